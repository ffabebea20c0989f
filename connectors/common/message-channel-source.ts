import WebSocket from 'ws';
import type { ChannelSource, InboundPush, PushSink, ShopConfig, SourceLogger } from '../contract.js';
import { deliverThenAck } from './deliver.js';
import { stampHeaders } from './source-stamp.js';

/*
 * What every WebSocket message channel source does (Taobao TMC, Pinduoduo's message channel):
 * connect, keep the connection alive, reconnect with exponential backoff, hand messages over one
 * at a time in arrival order, acknowledge each only once the sink stored it (deliver.ts), stop.
 * A platform fills in what differs: the URL and handshake, frame decoding, the ack and heartbeat frames.
 */

/** One open connection, as the platform's code sees it. */
export interface ChannelLink {
  /** Sends a frame if the socket is still open (a lost ack is redelivered by the platform). */
  send(frame: string | Buffer): void;
  /** The platform accepted the connection: backoff resets, the heartbeat starts, start() resolves. */
  ready(logged?: object): void;
  close(): void;
  /**
   * The message-channel rule for a message that carries ids only: fetch the full order, hand it
   * to the sink with `headers` and the source stamp, acknowledge once stored. If the detail cannot
   * be fetched the message is left unacknowledged, for redelivery.
   */
  deliver(fetchDetail: () => Promise<unknown>, headers: Record<string, string>, ack: () => void, logged: object): Promise<void>;
}

/** How one connection speaks the platform's protocol. */
export interface ChannelProtocol<M> {
  /** Right after the socket opened: a handshake, or link.ready(). */
  opened(): void;
  /** One frame → a message to handle, or nothing (handshakes, heartbeats, bad frames). */
  decode(data: Buffer, isBinary: boolean): M | undefined;
  /** Sent every heartbeatMs once ready. */
  heartbeat(): void;
  /** One message, after the previous one was handled. */
  handle(message: M): Promise<void>;
}

export interface MessageChannel<M> {
  /** Names the channel in logs ("TMC"). */
  name: string;
  /** The URL of one connection attempt (signed afresh each time). */
  url(): string;
  heartbeatMs: number;
  /** A connection that received nothing for this long is dropped and reopened. Default: never. */
  idleMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  connect(link: ChannelLink): ChannelProtocol<M>;
}

export function createMessageChannelSource<M>(shop: ShopConfig, sink: PushSink, log: SourceLogger, channel: MessageChannel<M>): ChannelSource {
  const base = { channel: shop.channel, shopId: shop.shopId };
  const minDelay = channel.reconnectMinMs ?? 500;
  const maxDelay = channel.reconnectMaxMs ?? 30_000;
  let ws: WebSocket | undefined;
  let stopped = true;
  let attempt = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();

  function connect(): Promise<void> {
    return new Promise((resolve) => {
      const socket = new WebSocket(channel.url());
      ws = socket;
      let heartbeat: NodeJS.Timeout | undefined;
      let lastReceived = Date.now();
      const link: ChannelLink = {
        send: (frame) => {
          if (socket.readyState === WebSocket.OPEN) socket.send(frame);
        },
        ready(logged) {
          attempt = 0;
          log.info({ ...base, ...logged }, `${channel.name} connected`);
          clearInterval(heartbeat);
          heartbeat = setInterval(() => {
            if (channel.idleMs !== undefined && Date.now() - lastReceived > channel.idleMs) {
              socket.terminate();
              return;
            }
            protocol.heartbeat();
          }, channel.heartbeatMs);
          resolve();
        },
        close: () => socket.close(),
        async deliver(fetchDetail, headers, ack, logged) {
          let detail: unknown;
          try {
            detail = await fetchDetail();
          } catch (err) {
            log.warn({ ...logged, err: (err as Error).message }, `order detail unavailable; ${channel.name} message left unacknowledged for redelivery`);
            return;
          }
          const rawBody = Buffer.from(JSON.stringify(detail), 'utf8');
          const receivedAt = Date.now();
          const push: InboundPush = {
            headers: { 'content-type': 'application/json', ...headers, ...stampHeaders(rawBody, shop.secret, receivedAt) },
            rawBody,
            receivedAt,
          };
          await deliverThenAck(sink, push, ack, log, logged, `${channel.name} message`);
        },
      };
      const protocol = channel.connect(link);
      socket.on('open', () => protocol.opened());
      socket.on('unexpected-response', (_req, res) => {
        log.warn({ ...base, status: res.statusCode }, `${channel.name} refused the connection`);
        socket.terminate();
      });
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        lastReceived = Date.now();
        const message = protocol.decode(data, isBinary);
        if (message === undefined) return;
        chain = chain
          .then(() => protocol.handle(message))
          .catch((err) => {
            log.warn({ ...base, err: (err as Error).message }, `${channel.name} message handling failed`);
          });
      });
      socket.on('error', (err) => {
        log.warn({ ...base, err: err.message }, `${channel.name} connection error`);
      });
      socket.on('close', () => {
        clearInterval(heartbeat);
        resolve();
        if (ws === socket) scheduleReconnect();
      });
    });
  }

  function scheduleReconnect() {
    if (stopped) return;
    const delay = Math.min(maxDelay, minDelay * 2 ** attempt++);
    reconnectTimer = setTimeout(() => {
      void connect();
    }, delay);
  }

  return {
    async start() {
      if (!stopped) return;
      stopped = false;
      attempt = 0;
      await connect();
    },
    async stop() {
      stopped = true;
      clearTimeout(reconnectTimer);
      const socket = ws;
      ws = undefined;
      if (socket && socket.readyState !== WebSocket.CLOSED) {
        await new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          socket.close();
        });
      }
      await chain;
    },
  };
}

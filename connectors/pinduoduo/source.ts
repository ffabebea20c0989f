import WebSocket from 'ws';
import type { ChannelSource, InboundPush, PushSink, ShopConfig, SourceLogger } from '../contract.js';
import { deliverThenAck } from '../common/deliver.js';
import { fetchOrderInformation, pddCredentials, type PddCallOptions } from './api.js';
import { ackFrame, contentIds, heartbeatFrame, parseFrame, type CommonFrame } from './message.js';
import { connectPath, stampHeaders } from './signature.js';

/*
 * The PDD message-channel source for one shop (one mall).
 *
 * 1. Connect to wss://…/message/{client_id}/{ts_ms}/{sign} (signature.ts); send a HeartBeat every
 *    heartbeatMs; a connection silent for idleMs is dropped and reopened.
 * 2. Every Common frame carries {type, mallID, content}; content has only {tid (order_sn), mall_id}.
 *    For trade and refund types the source calls pdd.order.information.get for the order_sn and
 *    hands the full order to the sink as the push body, with the frame's metadata as x-pdd-*
 *    headers and the source stamp (signature.ts).
 * 3. Ack ({commandType: "Ack", id, sendTime, type, mallID}) ONLY when the sink answered < 500.
 *    A 5xx, a failed detail call or a crash leaves it unacknowledged: PDD redelivers it.
 *    Types the hub does not use are acknowledged at once. A message for another mall (mallID ≠
 *    credentials.mallId) or whose content mall_id disagrees with mallID is not stored and not
 *    acknowledged.
 * 4. Reconnects with exponential backoff. Messages are handled one at a time, in arrival order.
 */
export interface PddSourceOptions extends PddCallOptions {
  heartbeatMs?: number;
  idleMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

const HANDLED_TYPE = /^pdd_(trade|refund)_/;

export function createPddSource(shop: ShopConfig, sink: PushSink, log: SourceLogger, opts: PddSourceOptions = {}): ChannelSource {
  const cred = pddCredentials(shop);
  const heartbeatMs = opts.heartbeatMs ?? 10_000;
  const idleMs = opts.idleMs ?? 60_000;
  const minDelay = opts.reconnectMinMs ?? 500;
  const maxDelay = opts.reconnectMaxMs ?? 30_000;
  let ws: WebSocket | undefined;
  let stopped = true;
  let attempt = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  const base = { channel: 'pinduoduo', shopId: shop.shopId };

  async function handle(socket: WebSocket, frame: CommonFrame): Promise<void> {
    const ack = () => { if (socket.readyState === WebSocket.OPEN) socket.send(ackFrame(frame, Date.now())); };
    const logged = { ...base, messageId: frame.id, type: frame.message.type };
    if (!HANDLED_TYPE.test(frame.message.type)) {
      ack();
      log.info(logged, 'PDD message type not used by the hub; acknowledged');
      return;
    }
    if (cred.mallId && frame.message.mallID !== cred.mallId) {
      log.warn({ ...logged, mallID: frame.message.mallID }, 'PDD message for another mall; not stored, not acknowledged');
      return;
    }
    const ids = contentIds(frame.message.content);
    if (!ids.ok) {
      ack();
      log.warn({ ...logged, reason: ids.reason }, 'PDD message without an order; acknowledged and dropped');
      return;
    }
    if (ids.value.mallId !== undefined && ids.value.mallId !== frame.message.mallID) {
      log.warn(logged, 'PDD message content names another mall than its envelope; not stored, not acknowledged');
      return;
    }
    let order: unknown;
    try {
      order = await fetchOrderInformation(shop, ids.value.tid, opts);
    } catch (err) {
      log.warn({ ...logged, orderSn: ids.value.tid, err: (err as Error).message }, 'order detail unavailable; left unacknowledged for redelivery');
      return;
    }
    const rawBody = Buffer.from(JSON.stringify(order), 'utf8');
    const receivedAt = Date.now();
    const push: InboundPush = {
      headers: {
        'content-type': 'application/json',
        'x-delivery-id': `pdd:${frame.id}`,
        'x-pdd-message-id': frame.id,
        'x-pdd-type': frame.message.type,
        'x-pdd-mall-id': frame.message.mallID,
        'x-pdd-order-sn': ids.value.tid,
        'x-pdd-send-time': frame.sendTime,
        ...stampHeaders(rawBody, shop.secret, receivedAt),
      },
      rawBody,
      receivedAt,
    };
    await deliverThenAck(sink, push, ack, log, logged, 'PDD message');
  }

  function scheduleReconnect() {
    if (stopped) return;
    const delay = Math.min(maxDelay, minDelay * 2 ** attempt++);
    reconnectTimer = setTimeout(() => { void connect(); }, delay);
  }

  function connect(): Promise<void> {
    return new Promise((resolve) => {
      const ts = String(Date.now());
      const socket = new WebSocket(`${cred.wsUrl}${connectPath(cred.clientId, ts, shop.secret)}`);
      ws = socket;
      let lastReceived = Date.now();
      socket.on('open', () => {
        attempt = 0;
        log.info(base, 'PDD message channel connected');
        heartbeatTimer = setInterval(() => {
          if (Date.now() - lastReceived > idleMs) { socket.terminate(); return; }
          if (socket.readyState === WebSocket.OPEN) socket.send(heartbeatFrame(Date.now()));
        }, heartbeatMs);
        resolve();
      });
      socket.on('unexpected-response', (_req, res) => {
        log.warn({ ...base, status: res.statusCode }, 'PDD refused the message connection');
        socket.terminate();
      });
      socket.on('message', (data: Buffer) => {
        lastReceived = Date.now();
        const parsed = parseFrame(data.toString('utf8'));
        if (!parsed.ok) { log.warn({ ...base, reason: parsed.reason }, 'bad PDD frame'); return; }
        if (parsed.value.kind !== 'common') return;
        const frame = parsed.value.frame;
        chain = chain.then(() => handle(socket, frame)).catch((err) => {
          log.warn({ ...base, err: (err as Error).message }, 'PDD message handling failed');
        });
      });
      socket.on('error', (err) => { log.warn({ ...base, err: err.message }, 'PDD connection error'); });
      socket.on('close', () => {
        if (heartbeatTimer) clearInterval(heartbeatTimer);
        heartbeatTimer = undefined;
        resolve();
        if (ws === socket) scheduleReconnect();
      });
    });
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
      if (reconnectTimer) clearTimeout(reconnectTimer);
      if (heartbeatTimer) clearInterval(heartbeatTimer);
      const socket = ws;
      ws = undefined;
      if (socket && socket.readyState !== WebSocket.CLOSED) {
        await new Promise<void>((resolve) => { socket.once('close', () => resolve()); socket.close(); });
      }
      await chain;
    },
  };
}

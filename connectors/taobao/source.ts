import WebSocket from 'ws';
import type { ChannelSource, InboundPush, PushSink, ShopConfig, SourceLogger } from '../contract.js';
import { deliverThenAck } from '../common/deliver.js';
import { fetchTradeFullinfo, taobaoCredentials, type TopCallOptions } from './api.js';
import { stampHeaders, topSign } from './signature.js';
import { byte, decodeFrame, encodeFrame, i64, MessageKind, MessageType, str, textOf, type TmcFrame } from './tmc-frame.js';

/*
 * The TMC message source for one shop.
 *
 * 1. Connect to the TMC WebSocket and send a CONNECT frame with app_key, group_name, timestamp
 *    (epoch ms), sdk and sign = topSign({app_key, group_name, timestamp}). CONNECTACK carries the
 *    session token used on every later frame (or a statusCode/statusPhrase on refusal).
 * 2. Every data frame (SEND, __kind Data) carries id, topic, content (JSON text), pub_time,
 *    user_id, nick. The content has ids and a status only, so for trade and refund topics the
 *    source calls taobao.trade.fullinfo.get for the tid and hands the full trade to the sink as
 *    the push body, with the TMC metadata as x-tmc-* headers and the source stamp (signature.ts).
 * 3. Confirm (SEND, __kind Confirm, id, token) ONLY when the sink answered < 500 (stored,
 *    duplicate, dead-lettered or refused for good). A 5xx, a failed fullinfo call or a crash
 *    leaves it unconfirmed: TMC redelivers it. Topics the hub does not use are confirmed at once.
 * 4. A pull request (SEND, __kind PullRequest) every pullIntervalMs, as the official client does,
 *    so messages that piled up while disconnected are sent. Reconnects with exponential backoff.
 * Messages are handled one at a time, in arrival order.
 */
export interface TaobaoSourceOptions extends TopCallOptions {
  pullIntervalMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  sdk?: string;
}

const HANDLED_TOPIC = /^taobao_(trade|refund)_/;

/** The tid from the raw content text: JSON.parse would round a 19-digit numeric tid. */
export function tidFromContent(content: string): string | undefined {
  return /"tid"\s*:\s*"?(\d+)"?/.exec(content)?.[1];
}

export function createTaobaoSource(shop: ShopConfig, sink: PushSink, log: SourceLogger, opts: TaobaoSourceOptions = {}): ChannelSource {
  const cred = taobaoCredentials(shop);
  const pullIntervalMs = opts.pullIntervalMs ?? 30_000;
  const minDelay = opts.reconnectMinMs ?? 500;
  const maxDelay = opts.reconnectMaxMs ?? 30_000;
  let ws: WebSocket | undefined;
  let token: string | undefined;
  let stopped = true;
  let attempt = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let pullTimer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();

  const send = (socket: WebSocket, frame: TmcFrame) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(encodeFrame(frame));
  };

  async function handle(socket: WebSocket, frame: TmcFrame): Promise<void> {
    const id = frame.content.id?.t === 'int64' ? frame.content.id.v : undefined;
    const topic = textOf(frame.content.topic);
    const content = textOf(frame.content.content) ?? '';
    if (id === undefined || !topic) {
      log.warn({ channel: 'taobao', shopId: shop.shopId }, 'TMC data frame without id or topic; ignored');
      return;
    }
    const confirm = () => { if (token) send(socket, { messageType: MessageType.SEND, token, content: { __kind: byte(MessageKind.Confirm), id: i64(id) } }); };
    const logged = { channel: 'taobao', shopId: shop.shopId, messageId: id.toString(), topic };
    if (!HANDLED_TOPIC.test(topic)) {
      confirm();
      log.info(logged, 'TMC topic not used by the hub; confirmed');
      return;
    }
    const userId = textOf(frame.content.user_id);
    if (cred.sellerId && userId && userId !== cred.sellerId) {
      // Another seller's message in this shop's group: not ours to store, and not ours to confirm.
      log.warn({ ...logged, userId }, 'TMC message for another seller; left unconfirmed (configure one TMC group per shop)');
      return;
    }
    const tid = tidFromContent(content);
    if (!tid) {
      confirm();
      log.warn(logged, 'TMC message without a tid; confirmed and dropped');
      return;
    }
    let trade: unknown;
    try {
      trade = await fetchTradeFullinfo(shop, tid, opts);
    } catch (err) {
      log.warn({ ...logged, tid, err: (err as Error).message }, 'trade detail unavailable; message left unconfirmed for redelivery');
      return;
    }
    const rawBody = Buffer.from(JSON.stringify(trade), 'utf8');
    const receivedAt = Date.now();
    const push: InboundPush = {
      headers: {
        'content-type': 'application/json',
        'x-delivery-id': `tmc:${id.toString()}`,
        'x-tmc-message-id': id.toString(),
        'x-tmc-topic': topic,
        'x-tmc-tid': tid,
        ...(userId ? { 'x-tmc-user-id': userId } : {}),
        ...(frame.content.pub_time ? { 'x-tmc-pub-time': textOf(frame.content.pub_time) } : {}),
        ...stampHeaders(rawBody, shop.secret, receivedAt),
      },
      rawBody,
      receivedAt,
    };
    await deliverThenAck(sink, push, confirm, log, logged, 'TMC message');
  }

  function scheduleReconnect() {
    if (stopped) return;
    const delay = Math.min(maxDelay, minDelay * 2 ** attempt++);
    reconnectTimer = setTimeout(() => { void connect(); }, delay);
  }

  function connect(): Promise<void> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = () => { if (!settled) { settled = true; resolve(); } };
      const socket = new WebSocket(cred.tmcUrl);
      ws = socket;
      socket.binaryType = 'nodebuffer';
      socket.on('open', () => {
        const timestamp = String(Date.now());
        const signed = { app_key: cred.appKey, group_name: cred.groupName, timestamp };
        send(socket, {
          messageType: MessageType.CONNECT,
          flag: 1,
          content: { ...Object.fromEntries(Object.entries(signed).map(([k, v]) => [k, str(v)])), sdk: str(opts.sdk ?? 'omnistream-tmc-1'), sign: str(topSign(signed, shop.secret)) },
        });
      });
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) return;
        const decoded = decodeFrame(data);
        if (!decoded.ok) { log.warn({ channel: 'taobao', shopId: shop.shopId, reason: decoded.reason }, 'bad TMC frame'); return; }
        const frame = decoded.value;
        if (frame.messageType === MessageType.CONNECTACK) {
          if (frame.token && !frame.statusCode) {
            token = frame.token;
            attempt = 0;
            log.info({ channel: 'taobao', shopId: shop.shopId, group: cred.groupName }, 'TMC connected');
            send(socket, { messageType: MessageType.SEND, token, content: { __kind: byte(MessageKind.PullRequest) } });
            pullTimer = setInterval(() => { if (token) send(socket, { messageType: MessageType.SEND, token, content: { __kind: byte(MessageKind.PullRequest) } }); }, pullIntervalMs);
          } else {
            log.warn({ channel: 'taobao', shopId: shop.shopId, statusCode: frame.statusCode, statusPhrase: frame.statusPhrase }, 'TMC refused the connection');
            socket.close();
          }
          settle();
          return;
        }
        if (frame.messageType === MessageType.SEND && frame.content.topic) {
          chain = chain.then(() => handle(socket, frame)).catch((err) => {
            log.warn({ channel: 'taobao', shopId: shop.shopId, err: (err as Error).message }, 'TMC message handling failed');
          });
        }
      });
      socket.on('error', (err) => {
        log.warn({ channel: 'taobao', shopId: shop.shopId, err: err.message }, 'TMC connection error');
      });
      socket.on('close', () => {
        token = undefined;
        if (pullTimer) clearInterval(pullTimer);
        pullTimer = undefined;
        settle();
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
      if (pullTimer) clearInterval(pullTimer);
      const socket = ws;
      ws = undefined;
      if (socket && socket.readyState !== WebSocket.CLOSED) {
        await new Promise<void>((resolve) => { socket.once('close', () => resolve()); socket.close(); });
      }
      await chain;
    },
  };
}

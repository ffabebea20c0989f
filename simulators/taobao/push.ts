import { randomBytes } from 'node:crypto';
import { type WebSocket, WebSocketServer } from 'ws';
import type { TaobaoTrade } from '../../connectors/taobao/payload.js';
import { safeEqual, topSign } from '../../connectors/taobao/signature.js';
import { byte, date, decodeFrame, encodeFrame, i64, MessageKind, MessageType, str, textOf } from '../../connectors/taobao/tmc-frame.js';
import { MessageQueue, type SimServer } from '../kit/index.js';
import { SIM_PII } from './orders.js';

/*
 * TMC: a WebSocket speaking the binary TMC frame (tmc-frame.ts): CONNECT with a signed
 * app_key/group_name/timestamp → CONNECTACK with a token (or a status code and close); data
 * frames with id/topic/content; the client's confirm removes a message; unconfirmed messages
 * are redelivered after ackTimeoutMs, on reconnect, and on the client's pull request.
 */
export interface TmcOptions {
  appKey: string;
  appSecret: string;
  groupName: string;
  sellerId: string;
  ackTimeoutMs: number;
  toleranceMs: number;
}

export interface SimMessageState {
  id: string;
  topic: string;
  deliveries: number;
  confirmed: boolean;
}

interface TmcMessage {
  id: string;
  topic: string;
  content: string;
  pubTime: number;
}

/** The TMC content of a trade message: ids and a status only (plus the buyer's nick, as Taobao sends). */
export function tmcContent(trade: TaobaoTrade, topic: string): string {
  const first = trade.orders.order[0];
  const base = `{"buyer_nick":${JSON.stringify(SIM_PII.buyerNick)},"payment":${JSON.stringify(trade.payment)},"oid":${first?.oid_str ?? trade.tid_str},"tid":${trade.tid_str},"type":${JSON.stringify(trade.type ?? 'fixed')},"seller_nick":"omni旗舰店"`;
  if (topic.startsWith('taobao_refund_'))
    return `{"refund_id":${BigInt(trade.tid_str!) + 900n},"tid":${trade.tid_str},"oid":${first?.oid_str ?? trade.tid_str},"refund_fee":${JSON.stringify(trade.payment)},"seller_nick":"omni旗舰店","buyer_nick":${JSON.stringify(SIM_PII.buyerNick)}}`;
  return `${base},"status":${JSON.stringify(trade.status)}}`;
}

/** TMC on the simulator's port (ws://…/). */
export function startTmc(server: SimServer, opts: TmcOptions) {
  const tokens = new Map<WebSocket, string>(); // authenticated socket → token
  let nextId = 8_000_000_000_000_000_000n;
  const queue = new MessageQueue<TmcMessage, WebSocket>((socket, m) => {
    socket.send(
      encodeFrame({
        messageType: MessageType.SEND,
        token: tokens.get(socket),
        content: {
          __kind: byte(MessageKind.Data),
          id: i64(BigInt(m.id)),
          topic: str(m.topic),
          content: str(m.content),
          pub_time: date(m.pubTime),
          pub_app_key: str('12497914'),
          user_id: i64(BigInt(opts.sellerId)),
          nick: str('omni旗舰店'),
          outgoing_time: date(Date.now()),
        },
      }),
    );
  }, opts.ackTimeoutMs);

  const wss = new WebSocketServer({ server: server.http });
  wss.on('connection', (socket) => {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return;
      const decoded = decodeFrame(data);
      if (!decoded.ok) {
        socket.close(1003, 'bad frame');
        return;
      }
      const frame = decoded.value;
      if (frame.messageType === MessageType.CONNECT) {
        const p = Object.fromEntries(Object.entries(frame.content).map(([k, v]) => [k, textOf(v)]));
        const signed = { app_key: p.app_key, group_name: p.group_name, timestamp: p.timestamp };
        const refuse = (code: number, phrase: string) => {
          socket.send(encodeFrame({ messageType: MessageType.CONNECTACK, statusCode: code, statusPhrase: phrase, content: {} }));
          socket.close();
        };
        if (p.app_key !== opts.appKey) return refuse(401, 'invalid app_key');
        if (p.group_name !== opts.groupName) return refuse(401, `unknown group ${p.group_name}`);
        if (!p.timestamp || !/^\d+$/.test(p.timestamp) || Math.abs(Number(p.timestamp) - Date.now()) > opts.toleranceMs)
          return refuse(401, 'invalid timestamp');
        if (!p.sign || !safeEqual(p.sign.toUpperCase(), topSign(signed, opts.appSecret))) return refuse(401, 'invalid sign');
        const token = randomBytes(16).toString('hex');
        tokens.set(socket, token);
        socket.send(encodeFrame({ messageType: MessageType.CONNECTACK, token, content: {} }));
        queue.connect(socket);
        return;
      }
      const token = tokens.get(socket);
      if (!token || frame.token === undefined || !safeEqual(frame.token, token)) {
        socket.close(1008, 'invalid token');
        return;
      }
      const kind = frame.content.__kind;
      const kindValue = kind && kind.t === 'byte' ? kind.v : undefined;
      if (frame.messageType !== MessageType.SEND) return;
      if (kindValue === MessageKind.Confirm) queue.ack(textOf(frame.content.id) ?? '');
      else if (kindValue === MessageKind.PullRequest) queue.redeliver();
    });
    socket.on('close', () => {
      tokens.delete(socket);
      queue.disconnect(socket);
    });
  });
  server.onClose(async () => {
    queue.stop();
    for (const socket of wss.clients) socket.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });

  return {
    publish(topic: string, trade: TaobaoTrade): string {
      const id = String(nextId++);
      queue.publish({ id, topic, content: tmcContent(trade, topic), pubTime: Date.now() });
      return id;
    },
    messages: (): SimMessageState[] => queue.entries.map((e) => ({ id: e.message.id, topic: e.message.topic, deliveries: e.deliveries, confirmed: e.acked })),
    connections: () => queue.connections,
  };
}

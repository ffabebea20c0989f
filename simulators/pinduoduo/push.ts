import type { IncomingMessage } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { connectSignature, safeEqual } from '../../connectors/pinduoduo/signature.js';
import { MessageQueue, type SimServer } from '../kit/index.js';

/*
 * The message channel: WebSocket at /message/{client_id}/{ts}/{sign}, the sign checked at the
 * upgrade (a bad one is answered HTTP 401); Common frames {id, commandType, time, sendTime,
 * message: {type, mallID, content}}; the client's Ack removes a message; unacknowledged ones are
 * redelivered after ackTimeoutMs and on reconnect; HeartBeat is answered with HeartBeat.
 * Message ids are beyond 2^53 and written as raw JSON integers.
 */
export interface SimMessageState {
  id: string;
  type: string;
  deliveries: number;
  acked: boolean;
}

interface PddMessage {
  id: string;
  type: string;
  mallId: number;
  content: string;
  sendTime: number;
}

export function startMessageChannel(server: SimServer, opts: { clientId: string; clientSecret: string; ackTimeoutMs: number; toleranceMs: number }) {
  let refused = 0;
  let nextId = 7_300_000_000_000_000_001n;
  const queue = new MessageQueue<PddMessage, WebSocket>(
    (socket, m) =>
      socket.send(
        `{"id":${m.id},"commandType":"Common","time":${Date.now()},"sendTime":${m.sendTime},"message":{"type":${JSON.stringify(m.type)},"mallID":${m.mallId},"content":${JSON.stringify(m.content)}}}`,
      ),
    opts.ackTimeoutMs,
  );

  const wss = new WebSocketServer({
    server: server.http,
    verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) => {
      const m = /^\/message\/([^/]+)\/(\d+)\/([^/]+)$/.exec((info.req.url ?? '').split('?')[0]!);
      const reject = () => {
        refused++;
        done(false, 401, 'Unauthorized');
      };
      if (!m) return reject();
      const [clientId, ts, sign] = [decodeURIComponent(m[1]!), m[2]!, decodeURIComponent(m[3]!)];
      if (clientId !== opts.clientId || Math.abs(Number(ts) - Date.now()) > opts.toleranceMs) return reject();
      if (!safeEqual(sign, connectSignature(clientId, ts, opts.clientSecret))) return reject();
      done(true);
    },
  });
  wss.on('connection', (socket) => {
    queue.connect(socket);
    socket.on('message', (data: Buffer) => {
      let frame: { commandType?: unknown; id?: unknown };
      try {
        // Ids are beyond 2^53: compare them as text.
        frame = JSON.parse(data.toString('utf8').replace(/"id"\s*:\s*(\d+)/, '"id":"$1"')) as typeof frame;
      } catch {
        return;
      }
      if (frame.commandType === 'HeartBeat') socket.send(JSON.stringify({ commandType: 'HeartBeat', time: Date.now() }));
      if (frame.commandType === 'Ack') queue.ack(String(frame.id));
    });
    socket.on('close', () => {
      queue.disconnect(socket);
    });
  });
  server.onClose(async () => {
    queue.stop();
    for (const socket of wss.clients) socket.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });

  return {
    /** Queues a message about an order ({tid, mall_id}) and delivers it. */
    publish(type: string, orderSn: string, mallId: number): string {
      const id = String(nextId++);
      queue.publish({ id, type, mallId, content: JSON.stringify({ tid: orderSn, mall_id: mallId }), sendTime: Date.now() });
      return id;
    },
    messages: (): SimMessageState[] => queue.entries.map((e) => ({ id: e.message.id, type: e.message.type, deliveries: e.deliveries, acked: e.acked })),
    connections: () => queue.connections,
    refusedConnections: () => refused,
  };
}

import { createMessageChannelSource } from '../common/message-channel-source.js';
import type { ChannelSource, PushSink, ShopConfig, SourceLogger } from '../contract.js';
import { fetchOrderInformation, type PddCallOptions, pddCredentials } from './api.js';
import { ackFrame, type CommonFrame, contentIds, heartbeatFrame, parseFrame } from './message.js';
import { connectPath } from './signature.js';

/*
 * The PDD message-channel source for one shop (one mall); the connection lifecycle is
 * common/message-channel-source.ts.
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
  const base = { channel: 'pinduoduo', shopId: shop.shopId };
  return createMessageChannelSource<CommonFrame>(shop, sink, log, {
    name: 'PDD',
    url: () => `${cred.wsUrl}${connectPath(cred.clientId, String(Date.now()), shop.secret)}`,
    heartbeatMs: opts.heartbeatMs ?? 10_000,
    idleMs: opts.idleMs ?? 60_000,
    reconnectMinMs: opts.reconnectMinMs,
    reconnectMaxMs: opts.reconnectMaxMs,
    connect: (link) => ({
      opened: () => link.ready(),
      decode(data) {
        const parsed = parseFrame(data.toString('utf8'));
        if (!parsed.ok) {
          log.warn({ ...base, reason: parsed.reason }, 'bad PDD frame');
          return undefined;
        }
        return parsed.value.kind === 'common' ? parsed.value.frame : undefined;
      },
      heartbeat: () => link.send(heartbeatFrame(Date.now())),
      async handle(frame) {
        const ack = () => link.send(ackFrame(frame, Date.now()));
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
        const orderSn = ids.value.tid;
        await link.deliver(
          () => fetchOrderInformation(shop, orderSn, opts),
          {
            'x-delivery-id': `pdd:${frame.id}`,
            'x-pdd-message-id': frame.id,
            'x-pdd-type': frame.message.type,
            'x-pdd-mall-id': frame.message.mallID,
            'x-pdd-order-sn': orderSn,
            'x-pdd-send-time': frame.sendTime,
          },
          ack,
          { ...logged, orderSn },
        );
      },
    }),
  });
}

import { createMessageChannelSource } from '../common/message-channel-source.js';
import type { ChannelSource, PushSink, ShopConfig, SourceLogger } from '../contract.js';
import { fetchTradeFullinfo, type TopCallOptions, taobaoCredentials } from './api.js';
import { topSign } from './signature.js';
import { byte, decodeFrame, encodeFrame, i64, MessageKind, MessageType, str, type TmcFrame, textOf } from './tmc-frame.js';

/*
 * The TMC message source for one shop (the connection lifecycle: common/message-channel-source.ts).
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
  const base = { channel: 'taobao', shopId: shop.shopId };
  return createMessageChannelSource<TmcFrame>(shop, sink, log, {
    name: 'TMC',
    url: () => cred.tmcUrl,
    heartbeatMs: opts.pullIntervalMs ?? 30_000,
    reconnectMinMs: opts.reconnectMinMs,
    reconnectMaxMs: opts.reconnectMaxMs,
    connect(link) {
      let token: string | undefined;
      const send = (frame: TmcFrame) => link.send(encodeFrame(frame));
      const pull = () => {
        if (token) send({ messageType: MessageType.SEND, token, content: { __kind: byte(MessageKind.PullRequest) } });
      };

      async function handle(frame: TmcFrame): Promise<void> {
        const id = frame.content.id?.t === 'int64' ? frame.content.id.v : undefined;
        const topic = textOf(frame.content.topic);
        const content = textOf(frame.content.content) ?? '';
        if (id === undefined || !topic) {
          log.warn(base, 'TMC data frame without id or topic; ignored');
          return;
        }
        const confirm = () => {
          if (token) send({ messageType: MessageType.SEND, token, content: { __kind: byte(MessageKind.Confirm), id: i64(id) } });
        };
        const logged = { ...base, messageId: id.toString(), topic };
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
        await link.deliver(
          () => fetchTradeFullinfo(shop, tid, opts),
          {
            'x-delivery-id': `tmc:${id.toString()}`,
            'x-tmc-message-id': id.toString(),
            'x-tmc-topic': topic,
            'x-tmc-tid': tid,
            ...(userId ? { 'x-tmc-user-id': userId } : {}),
            ...(frame.content.pub_time ? { 'x-tmc-pub-time': textOf(frame.content.pub_time)! } : {}),
          },
          confirm,
          { ...logged, tid },
        );
      }

      return {
        opened() {
          const timestamp = String(Date.now());
          const signed = { app_key: cred.appKey, group_name: cred.groupName, timestamp };
          send({
            messageType: MessageType.CONNECT,
            flag: 1,
            content: {
              ...Object.fromEntries(Object.entries(signed).map(([k, v]) => [k, str(v)])),
              sdk: str(opts.sdk ?? 'omnistream-tmc-1'),
              sign: str(topSign(signed, shop.secret)),
            },
          });
        },
        decode(data, isBinary) {
          if (!isBinary) return undefined;
          const decoded = decodeFrame(data);
          if (!decoded.ok) {
            log.warn({ ...base, reason: decoded.reason }, 'bad TMC frame');
            return undefined;
          }
          const frame = decoded.value;
          if (frame.messageType === MessageType.CONNECTACK) {
            if (frame.token && !frame.statusCode) {
              token = frame.token;
              link.ready({ group: cred.groupName });
              pull();
            } else {
              log.warn({ ...base, statusCode: frame.statusCode, statusPhrase: frame.statusPhrase }, 'TMC refused the connection');
              link.close();
            }
            return undefined;
          }
          return frame.messageType === MessageType.SEND && frame.content.topic ? frame : undefined;
        },
        heartbeat: pull,
        handle,
      };
    },
  });
}

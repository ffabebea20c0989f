import { z } from 'zod';
import type { Result } from '../../lib/result.js';

/*
 * PDD message-channel frames: JSON text over the WebSocket (sources: the official SDK's WsClient
 * usage, and the open-source clients whalesky-labs/pdd-sdk-php MessageProtocol and a Rust
 * PmcClient; README cites them).
 *
 *   server → client  {"id": …, "commandType": "Common", "time": ms, "sendTime": ms,
 *                     "message": {"type": "pdd_trade_TradeConfirmed", "mallID": …, "content": "<JSON text>"}}
 *   client → server  {"id": …, "commandType": "Ack", "time": ms, "sendTime": <echo>, "type": <echo>, "mallID": <echo>}
 *   both ways        {"commandType": "HeartBeat", "time": ms}
 * content of trade and refund messages: {"tid": "<order_sn>", "mall_id": …} (plus refund ids).
 *
 * Ids may exceed 2^53, so integers of 16+ digits are quoted before JSON.parse (quoteBigIntegers)
 * and echoed back verbatim in the Ack.
 */
export function quoteBigIntegers(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') {
        out += text[++i] ?? '';
        continue;
      }
      if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      continue;
    }
    if (/[-\d]/.test(ch)) {
      let j = i;
      while (j < text.length && /[-+.eE\d]/.test(text[j]!)) j++;
      const token = text.slice(i, j);
      out += /^-?\d{16,}$/.test(token) ? `"${token}"` : token;
      i = j - 1;
      continue;
    }
    out += ch;
  }
  return out;
}

const idText = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);

export const commonFrameSchema = z.looseObject({
  id: idText,
  commandType: z.literal('Common'),
  time: z.number().optional(),
  sendTime: idText,
  message: z.looseObject({
    type: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/),
    mallID: idText,
    content: z.string(),
  }),
});
export type CommonFrame = z.infer<typeof commonFrameSchema>;

export type ParsedFrame = { kind: 'common'; frame: CommonFrame } | { kind: 'control'; commandType: string };

export function parseFrame(text: string): Result<ParsedFrame> {
  let json: unknown;
  try {
    json = JSON.parse(quoteBigIntegers(text));
  } catch {
    return { ok: false, reason: 'frame is not JSON' }; // the parser's message would quote the frame
  }
  const commandType = (json as { commandType?: unknown } | null)?.commandType;
  if (commandType === 'HeartBeat' || commandType === 'Ack' || commandType === 'Fail') return { ok: true, value: { kind: 'control', commandType } };
  const parsed = commonFrameSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `unsupported frame: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  return { ok: true, value: { kind: 'common', frame: parsed.data } };
}

/** The Ack, ids written as raw JSON integers exactly as received. */
export function ackFrame(frame: CommonFrame, now: number): string {
  return `{"id":${frame.id},"commandType":"Ack","time":${now},"sendTime":${frame.sendTime},"type":${JSON.stringify(frame.message.type)},"mallID":${frame.message.mallID}}`;
}

export function heartbeatFrame(now: number): string {
  return JSON.stringify({ commandType: 'HeartBeat', time: now });
}

/** tid (= order_sn) and mall_id from the content JSON text. */
export function contentIds(content: string): Result<{ tid: string; mallId: string | undefined }> {
  let json: unknown;
  try {
    json = JSON.parse(quoteBigIntegers(content));
  } catch {
    return { ok: false, reason: 'message content is not JSON' };
  }
  const c = json as { tid?: unknown; mall_id?: unknown } | null;
  const tid = typeof c?.tid === 'string' || typeof c?.tid === 'number' ? String(c.tid) : undefined;
  if (!tid) return { ok: false, reason: 'message content has no tid' };
  const mallId = typeof c?.mall_id === 'string' || typeof c?.mall_id === 'number' ? String(c.mall_id) : undefined;
  return { ok: true, value: { tid, mallId } };
}

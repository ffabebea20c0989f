import { ApiError } from '../../lib/errors.js';
import { type Failure, fail, ok, type Result } from '../../lib/result.js';
import type { ShopConfig } from '../contract.js';
import { parseJsonExact } from './json-numbers.js';
import { meituanSig } from './signature.js';
import { chinaDateOf, epochSecondsToMs } from './timestamp.js';

/*
 * Reconciliation for Meituan Waimai. Meituan has no "orders modified between" query; what its
 * order API offers (and integrators use to catch missed pushes) is:
 *   order/getOrderIdByDaySeq(app_poi_code, date_time=yyyymmdd, day_seq) → the order id of the
 *     store's n-th paid order of that China day ("当日订单流水号", from 1);
 *   order/getOrderDetail(order_id, is_mt_logistics=1) → the full order, with status,
 *     logistics_status and utime.
 * pull() walks the day sequences of every China date from (from − lookback days) to `to`, reads
 * each order and yields those whose utime lies in [from, to). The lookback exists because an order
 * paid yesterday can be completed or cancelled today. Unpaid orders have no day sequence and are
 * not reachable this way. Every request is GET with app_id, timestamp and sig (signature.ts).
 *
 * Records are yielded in the push's shape (flat string fields), so payloadSchema parses them.
 */

/** Error codes that mean "this request was refused", not "no such order": stop and surface them. */
const FATAL_CODES = new Set(['600', '701', '702', '703']);
const MAX_DAY_SEQ = 100_000;

interface PullConfig {
  base: string;
  appId: string;
  appPoiCode: string;
  lookbackDays: number;
}

function pullConfig(shop: ShopConfig): PullConfig {
  const base = shop.endpoint?.replace(/\/+$/, '');
  const appId = shop.credentials?.appId;
  const appPoiCode = shop.credentials?.appPoiCode;
  if (!base) throw new Error('meituan pull: shop.endpoint (e.g. https://waimaiopen.meituan.com/api/v1) is not set');
  if (!appId) throw new Error('meituan pull: credentials.appId is not set');
  if (!appPoiCode) throw new Error('meituan pull: credentials.appPoiCode is not set');
  const lookback = shop.credentials?.pullLookbackDays ?? '1';
  if (!/^\d{1,2}$/.test(lookback)) throw new Error('meituan pull: credentials.pullLookbackDays is not a small whole number');
  return { base, appId, appPoiCode, lookbackDays: Number(lookback) };
}

/** The answer's data, or Meituan's error (its msg, its code as the failure's code). */
async function call(shop: ShopConfig, cfg: PullConfig, path: string, appParams: Record<string, string>): Promise<Result<unknown>> {
  const url = `${cfg.base}/${path}`;
  const params: Record<string, string> = { ...appParams, app_id: cfg.appId, timestamp: String(Math.floor(Date.now() / 1000)) };
  const sig = meituanSig(url, params, shop.secret);
  const query = new URLSearchParams({ ...params, sig }).toString();
  const res = await fetch(`${url}?${query}`, { method: 'GET' });
  const text = await res.text();
  if (!res.ok) throw new ApiError('meituan', `${path}: HTTP ${res.status}`, { status: res.status });
  let body: unknown;
  try {
    body = parseJsonExact(text);
  } catch {
    throw new Error(`meituan ${path}: response is not JSON`);
  }
  const record = (body ?? {}) as Record<string, unknown>;
  if (record.data === 'ng' || record.error) {
    const error = (record.error ?? {}) as Record<string, unknown>;
    return fail(String(error.msg ?? ''), { code: String(error.code ?? '') });
  }
  return ok(record.data);
}

const apiError = (f: Failure) => new ApiError('meituan', `API error ${f.code}: ${f.reason}`, { platformCode: f.code });

/** order/getOrderDetail data → the push's flat string shape. */
export function toFlatFields(data: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
    else out[key] = JSON.stringify(value);
  }
  return out;
}

function* chinaDates(fromMs: number, toMs: number): Generator<string> {
  const seen = new Set<string>();
  for (let t = fromMs; t < toMs + 86_400_000; t += 86_400_000) {
    const date = chinaDateOf(Math.min(t, toMs));
    if (!seen.has(date)) {
      seen.add(date);
      yield date;
    }
  }
}

export async function* pullMeituanOrders(shop: ShopConfig, window: { from: Date; to: Date }): AsyncGenerator<Record<string, string>> {
  const cfg = pullConfig(shop);
  const from = window.from.getTime();
  const to = window.to.getTime();
  if (!(from < to)) return;
  const seenOrders = new Set<string>();
  for (const date of chinaDates(from - cfg.lookbackDays * 86_400_000, to)) {
    for (let seq = 1; seq <= MAX_DAY_SEQ; seq += 1) {
      const idAnswer = await call(shop, cfg, 'order/getOrderIdByDaySeq', { app_poi_code: cfg.appPoiCode, date_time: date, day_seq: String(seq) });
      if (!idAnswer.ok) {
        if (FATAL_CODES.has(idAnswer.code ?? '')) throw apiError(idAnswer);
        break; // past the last paid order of that day
      }
      const orderId = String((idAnswer.value as Record<string, unknown> | undefined)?.order_id ?? '');
      if (!/^\d+$/.test(orderId) || seenOrders.has(orderId)) continue;
      seenOrders.add(orderId);
      const detail = await call(shop, cfg, 'order/getOrderDetail', { order_id: orderId, is_mt_logistics: '1' });
      if (!detail.ok) throw apiError(detail);
      const fields = toFlatFields((detail.value ?? {}) as Record<string, unknown>);
      const utime = epochSecondsToMs('utime', fields.utime ?? '');
      // A record without a readable utime is yielded anyway: normalize() will dead-letter it with a reason.
      if (utime.ok && (utime.value < from || utime.value >= to)) continue;
      yield fields;
    }
  }
}

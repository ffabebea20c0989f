import { failureOf, isRetryableStatus } from '../../lib/errors.js';
import { ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShipmentNotice, ShopConfig } from '../contract.js';
import { youzanExpressIds } from './carriers.js';
import { DEFAULT_ENDPOINT, youzanAccessToken } from './pull.js';

/*
 * Sync-back: youzan.logistics.online.confirm 3.0.0 ("卖家确认发货": 买家已付款 → 卖家已发货).
 *   POST {endpoint}/api/youzan.logistics.online.confirm/3.0.0?access_token=…
 *        {tid, out_stype (company id, carriers.ts), out_sid (waybill), is_no_express: 0}
 *     → {success:true, code:200, data:{is_success:true}}
 * Authenticated like pull(): an access_token from /auth/token (or credentials.accessToken).
 *
 * Outcomes: HTTP 429/5xx, network errors, a gateway rate limit or an expired fetched token →
 * retryable; "already shipped" → ok (the executor may repeat a call whose answer was lost);
 * everything else (unknown trade, bad company, wrong status, bad credentials) → not retryable.
 * The business error codes are UNVERIFIED stand-ins shared with the simulator (README).
 */
export const CONFIRM_PATH = '/api/youzan.logistics.online.confirm/3.0.0';

/** Gateway (gw_err_resp) codes: 4203 token missing/expired (seen in a probe log); 4204 rate limit (UNVERIFIED). */
export const GW_TOKEN_EXPIRED = 4203;
export const GW_RATE_LIMITED = 4204;
/** Business codes (success:false). UNVERIFIED stand-ins. */
export const YOUZAN_SHIP_CODES = {
  alreadyShipped: 101_300_004,
  tradeNotFound: 101_300_001,
  statusForbids: 101_300_005,
  badCompany: 50_000,
} as const;

interface ConfirmAnswer {
  success?: boolean;
  code?: number;
  message?: string | null;
  data?: { is_success?: boolean } | null;
  gw_err_resp?: { err_code?: number; err_msg?: string };
}

export function youzanShipResult(httpStatus: number, answer: ConfirmAnswer | undefined, tokenWasFetched: boolean): Result {
  if (isRetryableStatus(httpStatus)) return transient(`Youzan answered HTTP ${httpStatus}`);
  if (!answer) return transient(`Youzan answered HTTP ${httpStatus} without JSON`);
  const gw = answer.gw_err_resp;
  if (gw) {
    const reason = `Youzan gateway error ${gw.err_code ?? '?'} ${gw.err_msg ?? ''}`.trim();
    if (gw.err_code === GW_RATE_LIMITED) return transient(reason);
    // A fetched token may have been revoked meanwhile; the next attempt fetches a new one.
    if (gw.err_code === GW_TOKEN_EXPIRED && tokenWasFetched) return transient(reason);
    return permanent(reason);
  }
  if (answer.success === true && answer.data?.is_success === true) return ok();
  if (answer.code === YOUZAN_SHIP_CODES.alreadyShipped) return ok();
  return permanent(`Youzan refused the shipment: ${answer.code ?? '?'} ${answer.message ?? ''}`.trim());
}

/** Errors of the token step: network, 429, 5xx → retry; Youzan refusing the credentials or missing config → not. */
function tokenFailure(err: unknown): Result {
  return err instanceof TypeError ? transient(`Youzan unreachable: ${err.message}`) : failureOf(err);
}

export async function shipYouzanTrade(shop: ShopConfig, notice: ShipmentNotice): Promise<Result> {
  const outStype = youzanExpressIds[notice.carrier];
  if (outStype === undefined) return permanent(`no Youzan company id for carrier ${String(notice.carrier)}`);
  let token: string;
  try {
    token = await youzanAccessToken(shop);
  } catch (err) {
    return tokenFailure(err);
  }
  const endpoint = (shop.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const body = { tid: notice.channelOrderId, out_stype: String(outStype), out_sid: notice.waybillNo, is_no_express: 0 };
  let response: Response;
  try {
    response = await fetch(`${endpoint}${CONFIRM_PATH}?${new URLSearchParams({ access_token: token })}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (err) {
    return transient(`Youzan unreachable: ${(err as Error).message}`);
  }
  let answer: ConfirmAnswer | undefined;
  try {
    answer = (await response.json()) as ConfirmAnswer;
  } catch {
    answer = undefined;
  }
  return youzanShipResult(response.status, answer, !shop.credentials?.accessToken);
}

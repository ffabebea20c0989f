import { z } from 'zod';
import { ok, type Result } from '../../../lib/result.js';
import type { Shipment } from '../../../topics/schemas/shipment.js';
import type { CarrierAccount, Waybill } from '../contract.js';
import { postToCarrier, unreadable } from '../http.js';
import { ytoSign } from './signature.js';

export const YTO_CREATE_METHOD = 'privacy_create_adapter';
export const YTO_VERSION = 'v1';
/** Platform codes worth retrying (system busy / rate limited): UNVERIFIED. */
const RETRYABLE = new Set(['9999', '1010']);

/** The create-order `param`. txLogisticID is the merchant order id: our shipmentId. No receiver PII. */
export function ytoOrderParam(s: Shipment, account: CarrierAccount): Record<string, unknown> {
  return {
    logisticsNo: s.shipmentId,
    txLogisticID: s.shipmentId,
    customerCode: account.credentials.customerCode ?? '',
    senderAddress: `warehouse ${s.warehouse}`,
    recipientProvinceName: s.buyerProvince ?? '',
    recipientCityName: s.buyerCity ?? '',
    weight: Math.max(s.weightGrams, 1) / 1000,
    goods: s.lines.map((l) => ({ name: l.sku, quantity: l.quantity })),
  };
}

const answer = z.object({
  success: z.boolean().nullish(),
  code: z.string().nullish(),
  reason: z.string().nullish(),
  mailNo: z.string().nullish(),
  shortAddress: z.string().nullish(),
});

export async function ytoRequestWaybill(s: Shipment, account: CarrierAccount): Promise<Result<Waybill>> {
  const param = JSON.stringify(ytoOrderParam(s, account));
  const body = JSON.stringify({ timestamp: String(Date.now()), param, sign: ytoSign(param, YTO_CREATE_METHOD, YTO_VERSION, account.secret), format: 'JSON' });
  const appKey = encodeURIComponent(account.credentials.appKey ?? '');
  const http = await postToCarrier(
    `${account.endpoint}/open/${YTO_CREATE_METHOD}/${YTO_VERSION}/${appKey}`,
    { headers: { 'content-type': 'application/json; charset=utf-8' }, body },
    account.timeoutMs,
  );
  if (!http.ok) return http;
  return parseYtoAnswer(http.value.text);
}

export function parseYtoAnswer(text: string): Result<Waybill> {
  let a: z.infer<typeof answer>;
  try {
    a = answer.parse(JSON.parse(text));
  } catch {
    return unreadable('YTO', text);
  }
  if (a.success === false || !a.mailNo) return { ok: false, reason: `YTO ${a.code ?? '?'}: ${a.reason ?? ''}`, retryable: RETRYABLE.has(a.code ?? '') };
  return ok(a.shortAddress ? { waybillNo: a.mailNo, sortCode: a.shortAddress } : { waybillNo: a.mailNo });
}

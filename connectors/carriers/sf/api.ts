import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ok, type Result } from '../../../lib/result.js';
import type { Shipment } from '../../../topics/schemas/shipment.js';
import type { CarrierAccount, Waybill } from '../contract.js';
import { postToCarrier, unreadable } from '../http.js';
import { sfMsgDigest } from './signature.js';

export const SF_CREATE_ORDER = 'EXP_RECE_CREATE_ORDER';
/** 丰桥 success code of the API layer; anything else is an access/transport problem. */
const API_OK = 'A1000';
/** API-layer codes worth retrying: 流量受控 (A1005), 系统异常 (A1099). */
const API_RETRYABLE = new Set(['A1005', 'A1099']);

/** expressTypeId: 1 顺丰特快, 2 顺丰标快 (the hub's service names → SF products). */
export const SF_PRODUCTS: Readonly<Record<string, number>> = { express: 1, standard: 2 };

/**
 * The msgData of EXP_RECE_CREATE_ORDER. The hub holds no receiver name/phone/address: only the
 * destination province/city go to SF, the rest comes from the platform's encrypted e-waybill data.
 */
export function sfOrderMessage(s: Shipment, account: CarrierAccount): Record<string, unknown> {
  return {
    language: 'zh-CN',
    orderId: s.shipmentId,
    monthlyCard: account.credentials.monthlyCard ?? '',
    expressTypeId: SF_PRODUCTS[s.service] ?? SF_PRODUCTS.standard,
    payMethod: 1,
    isReturnRoutelabel: 1,
    totalWeight: Math.max(s.weightGrams, 1) / 1000,
    cargoDetails: s.lines.map((l) => ({ name: l.sku, count: l.quantity })),
    contactInfoList: [
      { contactType: 1, country: 'CN', address: `warehouse ${s.warehouse}` },
      { contactType: 2, country: s.buyerCountry ?? 'CN', province: s.buyerProvince ?? '', city: s.buyerCity ?? '' },
    ],
  };
}

const envelope = z.object({ apiResultCode: z.string(), apiErrorMsg: z.string().nullish(), apiResultData: z.string().nullish() });
const resultData = z.object({
  success: z.boolean(),
  errorCode: z.string().nullish(),
  errorMsg: z.string().nullish(),
  msgData: z
    .object({
      orderId: z.string(),
      waybillNoInfoList: z.array(z.object({ waybillType: z.number(), waybillNo: z.string() })),
      routeLabelInfo: z.array(z.object({ routeLabelData: z.object({ destRouteLabel: z.string().nullish() }).nullish() })).nullish(),
    })
    .nullish(),
});

export function sfFormBody(account: CarrierAccount, serviceCode: string, msgData: string, timestamp: string): string {
  return new URLSearchParams({
    partnerID: account.credentials.partnerID ?? '',
    requestID: randomUUID(),
    serviceCode,
    timestamp,
    msgData,
    msgDigest: sfMsgDigest(msgData, timestamp, account.secret),
  }).toString();
}

export async function sfRequestWaybill(s: Shipment, account: CarrierAccount): Promise<Result<Waybill>> {
  const msgData = JSON.stringify(sfOrderMessage(s, account));
  const body = sfFormBody(account, SF_CREATE_ORDER, msgData, String(Date.now()));
  const http = await postToCarrier(
    `${account.endpoint}/std/service`,
    { headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' }, body },
    account.timeoutMs,
  );
  if (!http.ok) return http;
  return parseSfAnswer(http.value.text);
}

export function parseSfAnswer(text: string): Result<Waybill> {
  let outer: z.infer<typeof envelope>;
  try {
    outer = envelope.parse(JSON.parse(text));
  } catch {
    return unreadable('SF', text);
  }
  if (outer.apiResultCode !== API_OK) {
    return { ok: false, reason: `SF ${outer.apiResultCode}: ${outer.apiErrorMsg ?? ''}`, retryable: API_RETRYABLE.has(outer.apiResultCode) };
  }
  let data: z.infer<typeof resultData>;
  try {
    data = resultData.parse(JSON.parse(outer.apiResultData ?? ''));
  } catch {
    return unreadable('SF', text);
  }
  if (!data.success || !data.msgData) return { ok: false, reason: `SF ${data.errorCode ?? '?'}: ${data.errorMsg ?? ''}`, retryable: false };
  const main = data.msgData.waybillNoInfoList.find((w) => w.waybillType === 1) ?? data.msgData.waybillNoInfoList[0];
  if (!main) return unreadable('SF', text);
  const sortCode = data.msgData.routeLabelInfo?.[0]?.routeLabelData?.destRouteLabel ?? undefined;
  return ok(sortCode ? { waybillNo: main.waybillNo, sortCode } : { waybillNo: main.waybillNo });
}

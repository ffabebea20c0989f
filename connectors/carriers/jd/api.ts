import { z } from 'zod';
import { formatChinaTime } from '../../../lib/china-time.js';
import { ok, type Result } from '../../../lib/result.js';
import type { Shipment } from '../../../topics/schemas/shipment.js';
import type { CarrierAccount, Waybill } from '../contract.js';
import { postToCarrier, unreadable } from '../http.js';
import { LOP_VERSION, lopSign } from './signature.js';

export const JD_CREATE_ORDER_PATH = '/ecap/v1/orders/create';
/** productCode: ed-m-0001 京东标快, ed-m-0002 京东特快. */
export const JD_PRODUCTS: Readonly<Record<string, string>> = { standard: 'ed-m-0001', express: 'ed-m-0002' };

/** The create body (LOP takes the business parameters as a JSON array). No receiver PII. */
export function jdOrderBody(s: Shipment, account: CarrierAccount): unknown[] {
  return [
    {
      orderId: s.shipmentId,
      customerCode: account.credentials.customerCode ?? '',
      senderContact: { fullAddress: `warehouse ${s.warehouse}` },
      receiverContact: { provinceName: s.buyerProvince ?? '', cityName: s.buyerCity ?? '' },
      productsReq: { productCode: JD_PRODUCTS[s.service] ?? JD_PRODUCTS.standard },
      cargoes: [
        {
          name: s.lines.map((l) => `${l.sku}x${l.quantity}`).join(','),
          quantity: s.lines.reduce((n, l) => n + l.quantity, 0),
          weight: Math.max(s.weightGrams, 1) / 1000,
        },
      ],
      settleType: 3,
    },
  ];
}

const answer = z.object({
  code: z.union([z.number(), z.string()]),
  msg: z.string().nullish(),
  data: z.object({ waybillCode: z.string(), sortingCode: z.string().nullish() }).nullish(),
});

export async function jdRequestWaybill(s: Shipment, account: CarrierAccount): Promise<Result<Waybill>> {
  const body = JSON.stringify(jdOrderBody(s, account));
  const timestamp = formatChinaTime(Date.now());
  const appKey = account.credentials.appKey ?? '';
  const accessToken = account.credentials.accessToken ?? '';
  const sign = lopSign({ appSecret: account.secret, accessToken, appKey, method: JD_CREATE_ORDER_PATH, body, timestamp });
  const query = new URLSearchParams({ 'LOP-DN': 'ECAP', app_key: appKey, access_token: accessToken, timestamp, v: LOP_VERSION, sign, algorithm: 'md5-salt' });
  const http = await postToCarrier(
    `${account.endpoint}${JD_CREATE_ORDER_PATH}?${query}`,
    { headers: { 'content-type': 'application/json;charset=utf-8' }, body },
    account.timeoutMs,
  );
  if (!http.ok) return http;
  return parseJdAnswer(http.value.text);
}

export function parseJdAnswer(text: string): Result<Waybill> {
  let a: z.infer<typeof answer>;
  try {
    a = answer.parse(JSON.parse(text));
  } catch {
    return unreadable('JD', text);
  }
  if (String(a.code) !== '0' || !a.data) return { ok: false, reason: `JD ${a.code}: ${a.msg ?? ''}`, retryable: false };
  return ok(a.data.sortingCode ? { waybillNo: a.data.waybillCode, sortCode: a.data.sortingCode } : { waybillNo: a.data.waybillCode });
}

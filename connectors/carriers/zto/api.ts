import { z } from 'zod';
import { ok, type Result } from '../../../lib/result.js';
import type { Shipment } from '../../../topics/schemas/shipment.js';
import type { CarrierAccount, Waybill } from '../contract.js';
import { postToCarrier, unreadable } from '../http.js';
import { ztoDigest } from './signature.js';

export const ZTO_CREATE_ORDER = 'zto.open.createOrder';
/** Gateway codes worth retrying: 请求超时 S200, 发生错误 S202, 服务暂不可用 S203, qos limit S206. */
const RETRYABLE = new Set(['S200', 'S202', 'S203', 'S206']);

/** The createOrder body. No receiver PII: province/city only (see README). */
export function ztoOrderBody(s: Shipment, account: CarrierAccount): Record<string, unknown> {
  return {
    partnerType: '2',
    orderType: '1',
    partnerOrderCode: s.shipmentId,
    accountInfo: { accountId: account.credentials.accountId ?? '', type: 1 },
    senderInfo: { senderAddress: `warehouse ${s.warehouse}` },
    receiveInfo: { receiverProvince: s.buyerProvince ?? '', receiverCity: s.buyerCity ?? '' },
    orderWeight: Math.max(s.weightGrams, 1) / 1000,
    orderItems: s.lines.map((l) => ({ name: l.sku, quantity: l.quantity })),
  };
}

const answer = z.object({
  status: z.boolean(),
  statusCode: z.string().nullish(),
  message: z.string().nullish(),
  result: z.object({ billCode: z.string(), orderCode: z.string().nullish(), bigMarkInfo: z.object({ mark: z.string().nullish() }).nullish() }).nullish(),
});

export async function ztoRequestWaybill(s: Shipment, account: CarrierAccount): Promise<Result<Waybill>> {
  const body = JSON.stringify(ztoOrderBody(s, account));
  const http = await postToCarrier(
    `${account.endpoint}/${ZTO_CREATE_ORDER}`,
    {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-companyid': account.credentials.companyId ?? '',
        'x-datadigest': ztoDigest(body, account.secret),
      },
      body,
    },
    account.timeoutMs,
  );
  if (!http.ok) return http;
  return parseZtoAnswer(http.value.text);
}

export function parseZtoAnswer(text: string): Result<Waybill> {
  let a: z.infer<typeof answer>;
  try {
    a = answer.parse(JSON.parse(text));
  } catch {
    return unreadable('ZTO', text);
  }
  if (!a.status || !a.result) return { ok: false, reason: `ZTO ${a.statusCode ?? '?'}: ${a.message ?? ''}`, retryable: RETRYABLE.has(a.statusCode ?? '') };
  const mark = a.result.bigMarkInfo?.mark;
  return ok(mark ? { waybillNo: a.result.billCode, sortCode: mark } : { waybillNo: a.result.billCode });
}

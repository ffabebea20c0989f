import { createHash } from 'node:crypto';
import type { ShopifyOrder } from '../../connectors/shopify/payload.js';
import { type FaultQueue, json, type ShipFault, type SimResponse } from '../kit/index.js';
import { withCancellation } from './orders.js';
import { answer, type GraphqlOperation, type StockApiState, throttled } from './stock-api.js';

/*
 * The GraphQL Admin API's orderCancel and the order(id:) fields the connector reads
 * (connectors/shopify/README.md "Paid orders the hub cannot fill"), on the simulator's orders,
 * behind the same token check and call bucket as the inventory operations:
 *
 *   orderCancel(orderId, reason: OrderCancelReason!, refundMethod | refund, restock: Boolean!,
 *               notifyCustomer, staffNote) → { job { id done } orderCancelUserErrors { field message code } }
 *
 * Shopify's rules as documented: an order already cancelled, or with fulfillments, is refused
 * (code INVALID); an unknown order is NOT_FOUND. A cancellation sets cancelled_at, closes the order
 * and, with originalPaymentMethodsRefund on a paid order, refunds it (financial_status refunded),
 * so the order list (pull) returns it cancelled. Shopify runs the cancellation as a job; the
 * simulator applies it at once and answers the job not done yet, as Shopify does. Listing stock is
 * not touched, whatever `restock` says (it is recorded). Injected faults answer orderCancel first.
 * The messages of refusals are the simulator's (unverified wording); the codes are documented.
 */
export interface SimCancellation {
  orderId: number;
  reason: string;
  staffNote: string | null;
  restock: boolean;
  notifyCustomer: boolean;
  refunded: boolean;
  jobId: string;
}

export interface CancelState {
  orders: Map<number, ShopifyOrder>;
  cancellations: SimCancellation[];
  cancelFaults: FaultQueue<ShipFault>;
}

const REASONS = new Set(['CUSTOMER', 'DECLINED', 'FRAUD', 'INVENTORY', 'OTHER', 'STAFF']);
const numericOrderId = (id: unknown) => (typeof id === 'string' ? Number(id.replace('gid://shopify/Order/', '')) : Number.NaN);

function displayFulfillment(order: ShopifyOrder): string {
  if (order.fulfillment_status === 'fulfilled') return 'FULFILLED';
  if (order.fulfillment_status === 'partial') return 'PARTIALLY_FULFILLED';
  if (order.fulfillment_status === 'restocked') return 'RESTOCKED';
  return 'UNFULFILLED';
}

/** A variable that does not coerce: Shopify's top-level GraphQL error, nothing done. */
const invalidVariable = (name: string, type: string, value: unknown) =>
  json({
    errors: [
      {
        message: `Variable $${name} of type ${type} was provided invalid value`,
        extensions: { code: 'INVALID_VARIABLE', value: value ?? null, problems: [{ path: [], explanation: 'Expected value to not be null' }] },
      },
    ],
  });

function cancel(variables: Record<string, unknown>, state: CancelState): SimResponse {
  const userError = (code: string, field: string[] | null, message: string) =>
    answer({ orderCancel: { job: null, orderCancelUserErrors: [{ field, message, code }], userErrors: [{ field, message }] } });
  const { reason, restock, refundMethod, refund } = variables;
  if (typeof reason !== 'string' || !REASONS.has(reason)) return invalidVariable('reason', 'OrderCancelReason!', reason);
  if (typeof restock !== 'boolean') return invalidVariable('restock', 'Boolean!', restock);
  const method = refundMethod as { originalPaymentMethodsRefund?: unknown; storeCreditRefund?: unknown } | undefined;
  if ((method === undefined || method === null) && typeof refund !== 'boolean')
    return userError('INVALID', ['refundMethod'], 'Either refund or refundMethod must be provided.');

  const id = numericOrderId(variables.orderId);
  const order = Number.isFinite(id) ? state.orders.get(id) : undefined;
  if (!order) return userError('NOT_FOUND', ['orderId'], 'Order does not exist.');
  if (order.cancelled_at !== null) return userError('INVALID', ['orderId'], 'Order has already been cancelled.');
  if (order.fulfillment_status === 'fulfilled' || order.fulfillment_status === 'partial')
    return userError('INVALID', ['orderId'], 'Cannot cancel an order that has fulfillments. Cancel the fulfillments first.');

  const refundWanted = method ? method.originalPaymentMethodsRefund === true || Boolean(method.storeCreditRefund) : refund === true;
  const paid = order.financial_status === 'paid' || order.financial_status === 'partially_refunded';
  const authorized = order.financial_status === 'authorized' || order.financial_status === 'pending';
  const financial = paid && refundWanted ? 'refunded' : authorized ? 'voided' : (order.financial_status ?? 'voided');
  const now = new Date();
  state.orders.set(order.id, withCancellation(order, now, financial, reason.toLowerCase() as Parameters<typeof withCancellation>[3]));
  const jobId = `gid://shopify/Job/${createHash('sha256').update(`cancel|${order.id}|${now.getTime()}`).digest('hex').slice(0, 32)}`;
  state.cancellations.push({
    orderId: order.id,
    reason,
    staffNote: typeof variables.staffNote === 'string' ? variables.staffNote : null,
    restock,
    notifyCustomer: variables.notifyCustomer === true,
    refunded: paid && refundWanted,
    jobId,
  });
  return answer({ orderCancel: { job: { id: jobId, done: false }, orderCancelUserErrors: [], userErrors: [] } });
}

export function cancelApi(state: CancelState, stock: StockApiState): GraphqlOperation[] {
  return [
    {
      root: 'orderCancel',
      handle: (_query, variables) => {
        const fault = state.cancelFaults.take();
        if (fault === 'rate-limit') return throttled(stock);
        if (fault === 'server-error') return json({ errors: 'Service Unavailable' }, 503);
        return cancel(variables, state);
      },
    },
    {
      root: 'order',
      handle: (_query, variables) => {
        const id = numericOrderId(variables.id);
        const order = Number.isFinite(id) ? state.orders.get(id) : undefined;
        if (!order) return answer({ order: null });
        return answer({
          order: {
            id: `gid://shopify/Order/${order.id}`,
            cancelledAt: order.cancelled_at === null ? null : new Date(Date.parse(order.cancelled_at)).toISOString(),
            displayFulfillmentStatus: displayFulfillment(order),
            displayFinancialStatus: (order.financial_status ?? 'pending').toUpperCase(),
          },
        });
      },
    },
  ];
}

import { fail, ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShopConfig } from '../contract.js';
import { UNFILLABLE_FAILURES, type UnfillableAck, type UnfillableApi, type UnfillableNotice } from '../unfillable-api.js';
import { callGraphql } from './graphql.js';
import { pullConfig } from './pull.js';

/*
 * A paid order the hub cannot fill, through the GraphQL Admin API's orderCancel (README "Paid
 * orders the hub cannot fill"):
 *
 *   order(id:) { cancelledAt displayFulfillmentStatus }                 the order as it stands
 *   orderCancel(orderId:, reason: INVENTORY, refundMethod: {originalPaymentMethodsRefund: true},
 *               restock: false, notifyCustomer: true, staffNote:)
 *     → { job { id done } orderCancelUserErrors { field message code } }
 *
 * The order is read first, so an order fulfilled in part or in whole (or sent to a fulfillment
 * service) is never cancelled from here: not_cancellable, a person decides. An order cancelled
 * already (a retry after a lost answer, the buyer, staff) is success with alreadyDone: orderCancel
 * keeps no idempotency key (it takes no @idempotent directive), and refuses a cancelled order.
 * A user error INVALID is classified by reading the order again (it changed in between).
 *
 * restock: false: the hub owns listing stock (stock-push); putting the order's units back into
 * Shopify's available count would sell goods that are not there before the next push.
 * The cancellation runs as a background job: its id is the platformRef; the order's
 * orders/cancelled webhook and reconciliation confirm it.
 */
const gid = (id: string) => (id.startsWith('gid://') ? id : `gid://shopify/Order/${id}`);

const ORDER_QUERY = `query OmnistreamOrderState($id: ID!) {
  order(id: $id) { id cancelledAt displayFulfillmentStatus }
}`;

const CANCEL_MUTATION = `mutation OmnistreamCancelUnfillable($orderId: ID!, $reason: OrderCancelReason!, $refundMethod: OrderCancelRefundMethodInput!, $restock: Boolean!, $notifyCustomer: Boolean, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: $reason, refundMethod: $refundMethod, restock: $restock, notifyCustomer: $notifyCustomer, staffNote: $staffNote) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}`;

/** Fulfillment states in which goods may have left (or be leaving): not cancelled from here. */
const UNDER_WAY = new Set(['FULFILLED', 'PARTIALLY_FULFILLED', 'IN_PROGRESS', 'PENDING_FULFILLMENT']);

/** staffNote is staff-facing (not shown to the buyer); kept short. */
const STAFF_NOTE_MAX = 255;

interface OrderState {
  cancelledAt: string | null;
  fulfillment: string;
}

async function orderState(shop: ShopConfig, orderId: string): Promise<Result<OrderState | null>> {
  const answer = await callGraphql(shop, ORDER_QUERY, { id: gid(orderId) });
  if (!answer.ok) return answer;
  const order = answer.value.order as { cancelledAt?: string | null; displayFulfillmentStatus?: string } | null | undefined;
  if (!order) return ok(null);
  return ok({ cancelledAt: order.cancelledAt ?? null, fulfillment: order.displayFulfillmentStatus ?? 'UNFULFILLED' });
}

/** What the order's state says before (or instead of) a cancellation; null: go ahead. */
function decided(orderId: string, state: OrderState | null): Result<UnfillableAck> | null {
  if (state === null) return fail(`shopify: no order ${orderId}`, { code: UNFILLABLE_FAILURES.notFound, retryable: false });
  if (state.cancelledAt !== null) return ok({ platformRef: null, alreadyDone: true });
  if (UNDER_WAY.has(state.fulfillment))
    return fail(`shopify: order ${orderId} is ${state.fulfillment}, not cancelled from the hub`, {
      code: UNFILLABLE_FAILURES.notCancellable,
      retryable: false,
    });
  return null;
}

interface CancelPayload {
  job?: { id?: string; done?: boolean } | null;
  orderCancelUserErrors?: Array<{ code?: string | null; message?: string }>;
}

async function tell(shop: ShopConfig, notice: UnfillableNotice): Promise<Result<UnfillableAck>> {
  try {
    pullConfig(shop);
  } catch (err) {
    return permanent((err as Error).message);
  }
  const orderId = notice.channelOrderId;
  if (!/^\d+$/.test(orderId) && !orderId.startsWith('gid://shopify/Order/')) return permanent(`shopify: order id "${orderId}" is not an order id`);
  const before = await orderState(shop, orderId);
  if (!before.ok) return before;
  const early = decided(orderId, before.value);
  if (early) return early;

  const answer = await callGraphql(shop, CANCEL_MUTATION, {
    orderId: gid(orderId),
    reason: 'INVENTORY',
    refundMethod: { originalPaymentMethodsRefund: true },
    restock: false,
    notifyCustomer: true,
    staffNote: `omnistream: ${notice.reason}`.slice(0, STAFF_NOTE_MAX),
  });
  if (!answer.ok) return answer;
  const payload = answer.value.orderCancel as CancelPayload | null | undefined;
  if (!payload) return transient('shopify orderCancel: no payload in the answer');
  const error = payload.orderCancelUserErrors?.[0];
  if (error) {
    const reason = `shopify orderCancel: ${error.code ?? ''} ${error.message ?? ''}`.trim();
    if (error.code === 'NOT_FOUND') return fail(reason, { code: UNFILLABLE_FAILURES.notFound, retryable: false });
    if (error.code === 'INTERNAL_ERROR') return transient(reason);
    if (error.code === 'INVALID') {
      // Refused for the order's state: it changed since the first read. Read it again to say which way.
      const after = await orderState(shop, orderId);
      if (!after.ok) return transient(`${reason} (and the order could not be read back: ${after.reason})`);
      return decided(orderId, after.value) ?? fail(reason, { code: UNFILLABLE_FAILURES.notCancellable, retryable: false });
    }
    // NO_REFUND_PERMISSION and anything unknown: the app's setup, not the order. A person fixes it.
    return permanent(reason);
  }
  return ok({ platformRef: payload.job?.id ?? null, alreadyDone: false });
}

export const shopifyUnfillable: UnfillableApi = {
  action: 'CANCEL',
  source:
    'shopify.dev GraphQL Admin API: mutation orderCancel (2024-01+; refundMethod: OrderCancelRefundMethodInput, reason: OrderCancelReason, OrderCancelPayload.job / orderCancelUserErrors, OrderCancelUserErrorCode), Order.displayFulfillmentStatus; no @idempotent on orderCancel (not in the idempotency changelogs)',
  tell,
};

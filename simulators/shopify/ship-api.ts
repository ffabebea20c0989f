import type { ShopifyOrder } from '../../connectors/shopify/payload.js';
import { type FaultQueue, json, type ShipFault, type SimResponse, type SimRoute } from '../kit/index.js';
import { withStatus } from './orders.js';

export type { ShipFault } from '../kit/index.js';

/*
 * The fulfillment-order API, what sync-back's ship() calls (connectors/shopify/README.md "Ship"),
 * with Shopify's rules: only an open fulfillment order can be fulfilled (a closed one is answered
 * 422), a fulfillment closes it and marks the order fulfilled at the current time, so the order
 * list (pull) returns it shipped afterwards. Injected faults answer the POST first.
 */
export interface SimShipment {
  orderId: number;
  trackingNumber: string;
  company: string;
}

export interface ShipState {
  orders: Map<number, ShopifyOrder>;
  shipments: SimShipment[];
  faults: FaultQueue<ShipFault>;
}

/** One fulfillment order per simulated order (one location), its id derived from the order's. */
export function fulfillmentOrderIdOf(orderId: number): number {
  return orderId * 10 + 7;
}

function fulfillmentOrderOf(order: ShopifyOrder) {
  const status = order.cancelled_at !== null ? 'cancelled' : order.fulfillment_status === 'fulfilled' ? 'closed' : 'open';
  return {
    id: fulfillmentOrderIdOf(order.id),
    order_id: order.id,
    status,
    request_status: 'unsubmitted',
    supported_actions: status === 'open' ? ['create_fulfillment', 'hold'] : [],
    line_items: order.line_items.map((l) => ({
      id: l.id * 10 + 3,
      fulfillment_order_id: fulfillmentOrderIdOf(order.id),
      line_item_id: l.id,
      quantity: l.quantity,
      fulfillable_quantity: status === 'open' ? l.quantity : 0,
    })),
  };
}

function fulfil(text: string, { orders, shipments, faults }: ShipState): SimResponse {
  const fault = faults.take();
  if (fault === 'rate-limit')
    return {
      ...json({ errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }, 429),
      headers: { 'retry-after': '1.0' },
    };
  if (fault === 'server-error') return json({ errors: 'Service Unavailable' }, 503);
  let body: {
    fulfillment?: { line_items_by_fulfillment_order?: { fulfillment_order_id?: unknown }[]; tracking_info?: { number?: unknown; company?: unknown } };
  };
  try {
    body = JSON.parse(text);
  } catch {
    return json({ errors: { fulfillment: 'Required parameter missing or invalid' } }, 400);
  }
  const groups = body.fulfillment?.line_items_by_fulfillment_order ?? [];
  if (groups.length === 0) return json({ errors: ['line_items_by_fulfillment_order is required'] }, 422);
  const targets: ShopifyOrder[] = [];
  for (const g of groups) {
    const order = [...orders.values()].find((o) => fulfillmentOrderIdOf(o.id) === Number(g.fulfillment_order_id));
    if (!order) return json({ errors: 'Not Found' }, 404);
    const fo = fulfillmentOrderOf(order);
    if (fo.status !== 'open') return json({ errors: [`Fulfillment order ${fo.id} has an unfulfillable status= ${fo.status}.`] }, 422);
    targets.push(order);
  }
  const tracking = body.fulfillment?.tracking_info ?? {};
  const now = new Date();
  for (const order of targets) {
    orders.set(order.id, withStatus(order, order.financial_status ?? 'paid', 'fulfilled', now));
    shipments.push({ orderId: order.id, trackingNumber: String(tracking.number ?? ''), company: String(tracking.company ?? '') });
  }
  const first = targets[0]!;
  return json(
    {
      fulfillment: {
        id: first.id * 10 + 9,
        order_id: first.id,
        status: 'success',
        tracking_number: tracking.number ?? null,
        tracking_company: tracking.company ?? null,
      },
    },
    201,
  );
}

export function shipApi(state: ShipState): SimRoute[] {
  return [
    {
      method: 'GET',
      path: '/admin/api/:version/orders/:id(^\\d+)/fulfillment_orders.json',
      handler: (req) => {
        const order = state.orders.get(Number(req.params.id));
        return order ? json({ fulfillment_orders: [fulfillmentOrderOf(order)] }) : json({ errors: 'Not Found' }, 404);
      },
    },
    { method: 'POST', path: '/admin/api/:version/fulfillments.json', handler: (req) => fulfil(req.body.toString('utf8'), state) },
  ];
}

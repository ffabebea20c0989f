import { type OrderStatus, STATUS_RANK } from '../../topics/schemas/order-event.js';
import type { CarrierKind, Fact, HubKind } from './facts.js';

/** What each system shows of one order at one moment of its timeline. */
export interface Views {
  channel: ChannelView | null;
  hub: HubView;
  warehouse: WarehouseView;
  carrier: CarrierView;
}

export interface ChannelView {
  /** The furthest canonical status the channel has shown (never moved back by a late event). */
  status: OrderStatus;
  /** The channel's time it entered that status. */
  since: number;
  channel: string;
  shopId: string;
  channelOrderId: string;
  /** When the channel first showed it cancelled or refunding (channel time), if it did. */
  cancelledAt: number | null;
}

export interface HubView {
  /** Hub kind → when the hub first did it. */
  did: Partial<Record<HubKind, number>>;
}

export interface Parcel {
  warehouse: string;
  shipmentId: string | null;
  carrier: string | null;
  waybillNo: string | null;
  picked: boolean;
  packed: boolean;
  shippedAt: number | null;
  intercepted: boolean;
}

export interface WarehouseView {
  /** Per warehouse: an order split over warehouses is several parcels. */
  parcels: Record<string, Parcel>;
}

export interface CarrierView {
  first: number | null;
  seen: Partial<Record<CarrierKind, number>>;
}

export const emptyViews = (): Views => ({ channel: null, hub: { did: {} }, warehouse: { parcels: {} }, carrier: { first: null, seen: {} } });

/** Applies one fact in timeline order (mutates `v`). Outcomes are not a view. */
export function applyFact(v: Views, f: Fact): void {
  switch (f.view) {
    case 'channel':
      // Same rank, later: the newer final word (CANCELLED → CLOSED); a lower rank never moves it back.
      if (!v.channel || STATUS_RANK[f.status] >= STATUS_RANK[v.channel.status]) {
        const prev = v.channel;
        const cancelled = STATUS_RANK[f.status] >= STATUS_RANK.REFUNDING;
        v.channel = {
          status: f.status,
          since: prev?.status === f.status ? prev.since : f.at,
          channel: f.channel,
          shopId: f.shopId,
          channelOrderId: f.channelOrderId,
          cancelledAt: prev?.cancelledAt ?? (cancelled ? f.at : null),
        };
      }
      return;
    case 'hub':
      v.hub.did[f.kind] ??= f.at;
      if (f.warehouse && (f.kind === 'ROUTED' || f.kind === 'WAVED' || f.kind === 'WAYBILL_ISSUED')) {
        const p = parcel(v, f.warehouse);
        p.shipmentId ??= f.shipmentId;
        p.carrier = f.carrier ?? p.carrier;
        p.waybillNo = f.waybillNo ?? p.waybillNo;
      }
      return;
    case 'warehouse': {
      const p = parcel(v, f.warehouse);
      p.shipmentId ??= f.shipmentId;
      p.carrier = f.carrier ?? p.carrier;
      p.waybillNo = f.waybillNo ?? p.waybillNo;
      if (f.kind === 'PICKED') p.picked = true;
      if (f.kind === 'PACKED') p.packed = true;
      if (f.kind === 'SHIPPED') p.shippedAt ??= f.at;
      if (f.kind === 'INTERCEPTED') p.intercepted = true;
      return;
    }
    case 'carrier':
      v.carrier.first ??= f.at;
      v.carrier.seen[f.kind] ??= f.at;
      return;
    case 'outcome':
      return;
  }
}

function parcel(v: Views, warehouse: string): Parcel {
  v.warehouse.parcels[warehouse] ??= {
    warehouse,
    shipmentId: null,
    carrier: null,
    waybillNo: null,
    picked: false,
    packed: false,
    shippedAt: null,
    intercepted: false,
  };
  return v.warehouse.parcels[warehouse];
}

export const cloneViews = (v: Views): Views => structuredClone(v);

// ── Questions the rules ask ──────────────────────────────────────────────────────────────────

const rank = (v: Views): number => (v.channel ? STATUS_RANK[v.channel.status] : 0);
/** Paid and not (yet) cancelled or refunded, as the channel shows it. */
export const channelPaid = (v: Views): boolean => rank(v) >= STATUS_RANK.PAID && rank(v) <= STATUS_RANK.COMPLETED;
export const channelBefore = (v: Views, s: OrderStatus): boolean => v.channel !== null && rank(v) < STATUS_RANK[s];
export const channelCancelled = (v: Views): boolean => rank(v) >= STATUS_RANK.REFUNDING;
export const hubActedOnPayment = (v: Views): boolean =>
  ['RESERVED', 'SHIPPED', 'ROUTED', 'WAVED', 'WAYBILL_ISSUED'].some((k) => v.hub.did[k as HubKind] !== undefined);
export const hubRejected = (v: Views): boolean => v.hub.did.REJECTED !== undefined;
export const hubHoldsStock = (v: Views): boolean =>
  (v.hub.did.LOCKED !== undefined || v.hub.did.RESERVED !== undefined) && v.hub.did.RELEASED === undefined && v.hub.did.SHIPPED === undefined;
export const parcels = (v: Views): Parcel[] => Object.values(v.warehouse.parcels).sort((a, b) => (a.warehouse < b.warehouse ? -1 : 1));
export const shippedAt = (v: Views): number | null =>
  parcels(v).reduce<number | null>((m, p) => (p.shippedAt !== null && (m === null || p.shippedAt < m) ? p.shippedAt : m), null);
export const carrierDelivered = (v: Views): boolean => v.carrier.seen.DELIVERED !== undefined;

/**
 * Parcels the warehouse is working on: routed, waved, picked or packed, not shipped and not
 * intercepted. A parcel only planned (no warehouse scan yet) stops when the hub released the stock.
 */
export function parcelsInProgress(v: Views): Parcel[] {
  const released = v.hub.did.RELEASED !== undefined;
  return parcels(v).filter((p) => p.shippedAt === null && !p.intercepted && (p.picked || p.packed || !released));
}

// ── Words for the divergence events ─────────────────────────────────────────────────────────

export function viewWords(v: Views): { channelView: string | null; hubView: string | null; warehouseView: string | null; carrierView: string | null } {
  const hubOrder: HubKind[] = ['REJECTED', 'CANCELLED', 'RELEASED', 'SHIPPED', 'WAYBILL_ISSUED', 'WAVED', 'ROUTED', 'RESERVED', 'LOCKED'];
  const hubWord = hubOrder.filter((k) => v.hub.did[k] !== undefined);
  const ps = parcels(v);
  const warehouseWord =
    ps.length === 0
      ? null
      : ps
          .map(
            (p) => `${p.warehouse}:${p.intercepted ? 'INTERCEPTED' : p.shippedAt !== null ? 'SHIPPED' : p.packed ? 'PACKED' : p.picked ? 'PICKED' : 'PLANNED'}`,
          )
          .join(',');
  const carrierOrder: CarrierKind[] = ['DELIVERED', 'CARRIER_EXCEPTION', 'IN_TRANSIT', 'COLLECTED'];
  return {
    channelView: v.channel?.status ?? null,
    hubView: hubWord.length === 0 ? null : hubWord.slice(0, 2).join('+') + (hubHoldsStock(v) && channelCancelled(v) ? ' (stock still held)' : ''),
    warehouseView: warehouseWord,
    carrierView: carrierOrder.find((k) => v.carrier.seen[k] !== undefined) ?? null,
  };
}

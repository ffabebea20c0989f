import type { ScanType } from '../../connectors/wms/scans.js';

/*
 * The simulated warehouse floor, per warehouse: shipments move allocated → picked → packed →
 * shipped (or intercepted).
 */
export type SimShipmentState = 'allocated' | 'picked' | 'packed' | 'shipped' | 'intercepted';

export interface SimShipment {
  shipmentId: string;
  orderKey: string;
  lines: { sku: string; quantity: number }[];
  waybillNo: string | null;
  state: SimShipmentState;
}

export interface SimScan {
  scanId: string;
  type: ScanType;
  shipmentId: string;
  orderKey: string;
  waybillNo?: string | null;
  lines: { sku: string; quantity: number }[];
  scannedAt: number | string;
  operator?: string;
}

const NEXT: Readonly<Record<ScanType, { from: SimShipmentState; to: SimShipmentState }>> = {
  PICKED: { from: 'allocated', to: 'picked' },
  PACKED: { from: 'picked', to: 'packed' },
  SCAN_OUT: { from: 'packed', to: 'shipped' },
};

export class WarehouseFloor {
  private readonly shipments: Map<string, Map<string, SimShipment>>;

  constructor(
    warehouses: string[],
    private readonly now: () => number,
  ) {
    this.shipments = new Map(warehouses.map((w) => [w, new Map()]));
  }

  /** A warehouse's shipments, by id; undefined for a warehouse the simulator does not run. */
  of(warehouse: string): Map<string, SimShipment> | undefined {
    return this.shipments.get(warehouse);
  }

  private own(warehouse: string): Map<string, SimShipment> {
    const own = this.shipments.get(warehouse);
    if (!own) throw new Error(`the simulator does not run warehouse ${warehouse}`);
    return own;
  }

  allocate(warehouse: string, s: Omit<SimShipment, 'state' | 'waybillNo'> & { waybillNo?: string | null }): void {
    this.own(warehouse).set(s.shipmentId, { ...s, waybillNo: s.waybillNo ?? null, lines: s.lines.map((l) => ({ ...l })), state: 'allocated' });
  }

  /** Performs the next scan on a shipment; returns the scan to push to the hub. */
  scan(warehouse: string, shipmentId: string, type: ScanType): SimScan {
    const s = this.own(warehouse).get(shipmentId);
    if (!s) throw new Error(`unknown shipment ${shipmentId}`);
    if (s.state !== NEXT[type].from) throw new Error(`cannot scan ${type} on a ${s.state} shipment`);
    s.state = NEXT[type].to;
    return {
      scanId: `${shipmentId}:${type}`,
      type,
      shipmentId,
      orderKey: s.orderKey,
      waybillNo: s.waybillNo,
      lines: s.lines,
      scannedAt: new Date(this.now()).toISOString(),
      operator: 'PDA-07',
    };
  }
}

import type { Schema } from 'avsc';

/** Something the hub asks a warehouse to do. INTERCEPT: stop the order's parcel (cancelled or refunding). */
export const WAREHOUSE_COMMAND_KINDS = ['INTERCEPT'] as const;
export type WarehouseCommandKind = (typeof WAREHOUSE_COMMAND_KINDS)[number];

export interface WarehouseCommand {
  commandId: string;
  kind: WarehouseCommandKind;
  orderKey: string;
  channel: string;
  warehouse: string;
  shipmentId: string | null;
  waybillNo: string | null;
  divergenceId: string | null;
  reason: string;
  issuedAt: number;
}

export const warehouseCommandSchema: Schema = {
  type: 'record',
  name: 'WarehouseCommand',
  namespace: 'dev.omnistream.sync',
  fields: [
    { name: 'commandId', type: 'string' },
    { name: 'kind', type: { type: 'enum', name: 'WarehouseCommandKind', symbols: [...WAREHOUSE_COMMAND_KINDS] } },
    { name: 'orderKey', type: 'string' },
    { name: 'channel', type: 'string' },
    { name: 'warehouse', type: 'string' },
    { name: 'shipmentId', type: ['null', 'string'], default: null },
    { name: 'waybillNo', type: ['null', 'string'], default: null },
    { name: 'divergenceId', type: ['null', 'string'], default: null },
    { name: 'reason', type: 'string' },
    { name: 'issuedAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
  ],
};

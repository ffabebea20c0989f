import type { Schema } from 'avsc';

/**
 * A print-ready shipping label for a warehouse's label printers. The receiver block is the
 * channel's privacy-masked form: the hub holds no names, phones or street addresses, and the
 * platforms' e-waybill rules (隐私面单) print the receiver through their own encrypted data.
 */
export const LABEL_FORMATS = ['ZPL', 'PDF'] as const;
export type LabelFormat = (typeof LABEL_FORMATS)[number];

export interface PrintJob {
  /** shipmentId + waybill number: a repeat is the same job. */
  jobId: string;
  shipmentId: string;
  orderKey: string;
  warehouse: string;
  carrier: string;
  waybillNo: string;
  format: LabelFormat;
  label: Buffer;
  createdAt: number;
}

export const printJobSchema: Schema = {
  type: 'record',
  name: 'PrintJob',
  namespace: 'dev.omnistream.fulfilment',
  fields: [
    { name: 'jobId', type: 'string' },
    { name: 'shipmentId', type: 'string' },
    { name: 'orderKey', type: 'string' },
    { name: 'warehouse', type: 'string' },
    { name: 'carrier', type: 'string' },
    { name: 'waybillNo', type: 'string' },
    { name: 'format', type: { type: 'enum', name: 'LabelFormat', symbols: [...LABEL_FORMATS] } },
    { name: 'label', type: 'bytes' },
    { name: 'createdAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
  ],
};

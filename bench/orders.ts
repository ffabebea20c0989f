import type { AuditOrder } from '../test/support/inventory-audit.js';
import { schemaIdOf } from '../test/support/topic-scan.js';
import type { OrderEvent, OrderLine } from '../topics/schemas/order-event.js';
import type { TopicSerde } from '../topics/serde.js';

/** The flash-sale order stream: a pure function of the order index, so it can be regenerated anywhere. */
export const CHANNELS = ['taobao', 'jd', 'pinduoduo', 'douyin', 'kuaishou', 'shopify'] as const;
export const HOT_SKU = 'HOT-SNEAKER-42';
export const coldSku = (j: number) => `COLD-${String(j).padStart(3, '0')}`;
const PREFIX = 'FS';

/** splitmix32-style hash: a fixed pseudo-random 32-bit value per (index, salt). */
function rnd(i: number, salt: number): number {
  let z = (i * 0x9e3779b9 + salt * 0x85ebca6b) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

export interface BenchOrder {
  orderKey: string;
  channel: string;
  shopId: string;
  channelOrderId: string;
  status: 'CREATED' | 'PAID';
  hotQty: number;
  /** Merged and sorted by SKU, as the processor's command sees them. */
  lines: [string, number][];
}

export function benchOrder(i: number, coldSkus: number): BenchOrder {
  const channel = CHANNELS[rnd(i, 1) % CHANNELS.length]!;
  const shopId = `${channel}-shop-${rnd(i, 2) % 4}`;
  const channelOrderId = `${PREFIX}${i}`;
  const status = rnd(i, 3) % 100 < 85 ? 'CREATED' : 'PAID';
  const hotQty = 1 + (rnd(i, 4) % 2);
  const lines: [string, number][] = [[HOT_SKU, hotQty]];
  if (coldSkus > 0 && rnd(i, 5) % 100 < 20) lines.push([coldSku(rnd(i, 6) % coldSkus), 1 + (rnd(i, 7) % 3)]);
  lines.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { orderKey: `${channel}:${shopId}:${channelOrderId}`, channel, shopId, channelOrderId, status, hotQty, lines };
}

/** The order index back from its key (`…:FS<i>`); undefined for keys that are not ours. */
export function orderIndexOf(orderKey: string): number | undefined {
  const at = orderKey.lastIndexOf(`:${PREFIX}`);
  if (at < 0) return undefined;
  const n = Number(orderKey.slice(at + 1 + PREFIX.length));
  return Number.isInteger(n) ? n : undefined;
}

export function auditOrder(i: number, coldSkus: number): AuditOrder {
  const o = benchOrder(i, coldSkus);
  return { lines: o.lines, target: o.status === 'PAID' ? 'RESERVED' : 'LOCKED' };
}

const PRICE: Record<string, number> = { [HOT_SKU]: 69_900 };
const priceOf = (sku: string) => PRICE[sku] ?? 4_900;

/**
 * The canonical event for order i; the event id is deterministic (same order, same id, every run).
 * `saleStart`: the sale's clock; pass the run's start time, so no unpaid-lock timeout has already passed.
 */
export function orderEvent(o: BenchOrder, i: number, saleStart: number): OrderEvent {
  const lines: OrderLine[] = o.lines.map(([sku, quantity]) => ({ sku, quantity, unitPriceMinor: priceOf(sku) }));
  const at = saleStart + Math.floor(i / 100);
  return {
    eventId: `fs:${o.orderKey}:${o.status}`,
    orderKey: o.orderKey,
    channel: o.channel,
    shopId: o.shopId,
    brand: 'Flash Brand',
    channelOrderId: o.channelOrderId,
    status: o.status,
    channelStatus: o.status === 'PAID' ? 'WAIT_SELLER_SEND_GOODS' : 'WAIT_BUYER_PAY',
    occurredAt: at,
    receivedAt: at + 150,
    currency: 'CNY',
    totalMinor: lines.reduce((s, l) => s + l.quantity * l.unitPriceMinor, 0),
    lines,
    buyerCountry: 'CN',
    buyerProvince: 'ZJ',
    buyerCity: 'Hangzhou',
    presale: false,
  };
}

/**
 * Confluent wire format without a promise per record: magic 0, the registered schema id, then the
 * Avro body from the very avsc Type the registry client uses for that id. Built from one real
 * serde.encode() and checked byte-for-byte against it, so every record is what TopicSerde writes.
 */
export async function orderEncoder(serde: TopicSerde, sample: OrderEvent): Promise<(e: OrderEvent) => Buffer> {
  const reference = await serde.encode('orderEvents', sample);
  const id = schemaIdOf(reference);
  const type = (await serde.registry.getSchema(id)) as unknown as { toBuffer(v: unknown): Buffer };
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  const encode = (e: OrderEvent) => Buffer.concat([header, type.toBuffer(e)]);
  if (!encode(sample).equals(reference)) throw new Error('fast order encoder disagrees with TopicSerde.encode; refusing to write');
  // Fields the bench does not set take their schema defaults; every field it sets must come back.
  const back = (await serde.decode('orderEvents', encode(sample))) as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(sample)) {
    if (JSON.stringify(back[k]) !== JSON.stringify(v)) throw new Error(`fast-encoded order does not decode to itself (field ${k})`);
  }
  return encode;
}

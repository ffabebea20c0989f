import { createHash } from 'node:crypto';
import type { ShopConfig } from '../../connectors/contract.js';
import { orderIdFor, type SimLine, type SimOrder, type Stage, WIRE_BUILDERS } from './channels.js';
import { Rng } from './rng.js';

export interface LoadOptions {
  orders: number;
  /** Webhook channels to mix (round robin over orders). */
  channels: readonly string[];
  /** Shops (with secrets) the pushes are signed for; at least one per channel used. */
  shops: readonly ShopConfig[];
  seed: string | number;
  /** Fraction of pushes delivered a second time, later (a platform retry): expected "duplicate". */
  duplicates?: number;
  /** Fraction of orders whose later status is delivered before the earlier one. */
  reorder?: number;
  /** Fraction of orders cancelled (half of them after payment, half unpaid). */
  cancel?: number;
  /** A duplicate comes at least this many pushes after its original (so it is not in flight with it). */
  duplicateGap?: number;
  /** Epoch ms the load is built for: order times lie in the `spanMs` before it, timestamps are signed at it. */
  now?: number;
  /** How far back the orders' creation times reach (default 30 minutes). */
  spanMs?: number;
}

/** One delivery in the load, before signing. Deterministic from the seed (and `now`). */
export interface LoadStep {
  seq: number;
  order: SimOrder;
  stage: Stage;
  /** A redelivery of a push sent earlier in the load. */
  duplicate: boolean;
  /** Delivered before the order's previous stage. */
  reordered: boolean;
  /** What the gateway should answer: a new event is accepted, a redelivery is a duplicate. */
  expect: 'accepted' | 'duplicate';
}

/** One signed HTTP request, ready to send. */
export interface Push {
  seq: number;
  channel: string;
  shopId: string;
  orderId: string;
  stage: Stage;
  duplicate: boolean;
  reordered: boolean;
  expect: 'accepted' | 'duplicate';
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Epoch ms the push was signed at (timestamps in WeChat/Meituan signatures). */
  signedAt: number;
}

const SKUS = Array.from({ length: 40 }, (_, i) => `LG-SKU-${String(i + 1).padStart(3, '0')}`);
const HOT = 'LG-HOT-001';
const PROVINCES = [
  { name: '浙江省', code: 'ZJ', city: '杭州市' },
  { name: '广东省', code: 'GD', city: '深圳市' },
  { name: '北京市', code: 'BJ', city: '北京市' },
  { name: '上海市', code: 'SH', city: '上海市' },
  { name: '四川省', code: 'SC', city: '成都市' },
];
const MAX_ORDERS = 9_999_999;

function check(o: LoadOptions): void {
  if (!Number.isInteger(o.orders) || o.orders < 0 || o.orders > MAX_ORDERS) throw new Error(`orders must be a whole number in [0, ${MAX_ORDERS}]`);
  for (const [name, v] of [
    ['duplicates', o.duplicates],
    ['reorder', o.reorder],
    ['cancel', o.cancel],
  ] as const) {
    if (v !== undefined && !(v >= 0 && v <= 1)) throw new Error(`${name} must be a fraction in [0, 1]`);
  }
  if (o.channels.length === 0) throw new Error('no channels');
  for (const c of o.channels) {
    if (!WIRE_BUILDERS[c]) throw new Error(`channel "${c}" is not a webhook channel the generator knows (${Object.keys(WIRE_BUILDERS).join(', ')})`);
    if (!o.shops.some((s) => s.channel === c)) throw new Error(`no shop for channel "${c}" in the shops file`);
  }
}

/**
 * The load as a delivery sequence: per order create → pay (sometimes → cancel, or create → cancel),
 * interleaved across orders as a stream; `reorder` swaps an order's later status before its earlier
 * one; `duplicates` re-sends a push `duplicateGap`..2×gap positions later. Same options, same plan.
 */
export function planLoad(o: LoadOptions): LoadStep[] {
  check(o);
  const rng = new Rng(`plan|${o.seed}`);
  const now = o.now ?? Date.now();
  const span = o.spanMs ?? 30 * 60_000;
  // Creations spread over the first 28/30 of the span, so every order's later stages fit in it.
  const spread = Math.round((span * 28) / 30);
  const prefix = rng.int(100_000, 999_999);
  const byChannel = new Map(o.channels.map((c) => [c, o.shops.filter((s) => s.channel === c)]));
  const gap = Math.max(1, o.duplicateGap ?? 256);
  const timeline: { at: number; tie: number; step: Omit<LoadStep, 'seq'> }[] = [];
  let tie = 0;

  for (let n = 0; n < o.orders; n++) {
    const channel = o.channels[n % o.channels.length]!;
    const shop = rng.pick(byChannel.get(channel)!);
    const lineCount = channel === 'kuaishou' ? 1 : rng.int(1, 3); // a Kuaishou order has one SKU
    const lines: SimLine[] = Array.from({ length: lineCount }, (_, i) => ({
      sku: i === 0 && rng.chance(0.3) ? HOT : rng.pick(SKUS),
      quantity: rng.int(1, 3),
      priceFen: rng.int(5, 999) * 100 + rng.pick([0, 0, 50, 99]),
    }));
    // Same SKU twice in one order is legal on most platforms but makes line keys collide: merge.
    const merged = [...new Map(lines.map((l) => [l.sku, l])).values()];
    const created = now - span + Math.floor((n / Math.max(1, o.orders)) * spread) + rng.int(0, 999);
    const cancelled = rng.chance(o.cancel ?? 0);
    const paidBeforeCancel = cancelled && rng.chance(0.5);
    const order: SimOrder = {
      channel,
      shopId: shop.shopId,
      orderId: orderIdFor(channel, prefix, n),
      times: { create: created, pay: created + 20_000 + rng.int(0, 9_000), cancel: created + 45_000 + rng.int(0, 9_000) },
      paidBeforeCancel,
      lines: merged,
      province: rng.pick(PROVINCES),
    };
    const stages: Stage[] = cancelled ? (paidBeforeCancel ? ['create', 'pay', 'cancel'] : ['create', 'cancel']) : ['create', 'pay'];
    // Positions in the stream: the order starts at n, each later stage a little after the previous.
    const at: number[] = [];
    let pos = n;
    for (let i = 0; i < stages.length; i++) {
      at.push(pos);
      pos += rng.int(1, 40);
    }
    const reordered = new Set<number>();
    if (stages.length > 1 && rng.chance(o.reorder ?? 0)) {
      const k = rng.int(1, stages.length - 1);
      [at[k - 1], at[k]] = [at[k]!, at[k - 1]!];
      reordered.add(k);
    }
    stages.forEach((stage, i) => {
      const step = { order, stage, duplicate: false, reordered: reordered.has(i), expect: 'accepted' as const };
      timeline.push({ at: at[i]!, tie: tie++, step });
      if (rng.chance(o.duplicates ?? 0)) {
        timeline.push({ at: at[i]! + gap + rng.int(0, gap), tie: tie++, step: { ...step, duplicate: true, reordered: false, expect: 'duplicate' } });
      }
    });
  }
  timeline.sort((a, b) => a.at - b.at || a.tie - b.tie);
  return timeline.map((t, seq) => ({ seq, ...t.step }));
}

function shopOf(shops: readonly ShopConfig[], step: LoadStep): ShopConfig {
  const shop = shops.find((s) => s.channel === step.order.channel && s.shopId === step.order.shopId);
  if (!shop) throw new Error(`no shop ${step.order.channel}/${step.order.shopId}`);
  return shop;
}

/** The key of a push's content: a duplicate shares it with its original. */
export function stepKey(step: LoadStep): string {
  return `${step.order.channel}|${step.order.orderId}|${step.stage}`;
}

/** Signs one step with the channel simulator. The WeChat nonce is derived from the seed and the step. */
export function signStep(step: LoadStep, shops: readonly ShopConfig[], seed: string | number, now: number): Push {
  const nonce = String(
    createHash('sha256')
      .update(`${seed}|${stepKey(step)}`)
      .digest()
      .readUInt32BE(0),
  );
  const wire = WIRE_BUILDERS[step.order.channel]!(step.order, step.stage, shopOf(shops, step), { now, nonce });
  return {
    seq: step.seq,
    channel: step.order.channel,
    shopId: step.order.shopId,
    orderId: step.order.orderId,
    stage: step.stage,
    duplicate: step.duplicate,
    reordered: step.reordered,
    expect: step.expect,
    ...wire,
    signedAt: now,
  };
}

/**
 * Signs steps, reusing the signed request for a duplicate (the same bytes again, as a platform
 * retry sends them) while its signature is still fresh (`maxAgeMs`); older ones are re-signed, as a
 * platform's later retry would be (WeChat and Meituan refuse timestamps 5 minutes old).
 */
export class PushSigner {
  private readonly cache = new Map<string, Push>();

  constructor(
    private readonly shops: readonly ShopConfig[],
    private readonly seed: string | number,
    private readonly maxAgeMs = 120_000,
  ) {}

  sign(step: LoadStep, now = Date.now()): Push {
    const key = stepKey(step);
    const cached = this.cache.get(key);
    if (cached && now - cached.signedAt < this.maxAgeMs) {
      return { ...cached, seq: step.seq, duplicate: step.duplicate, reordered: step.reordered, expect: step.expect };
    }
    const push = signStep(step, this.shops, this.seed, now);
    this.cache.set(key, push);
    return push;
  }
}

/**
 * The whole load, signed at `now` (default: the current time): deterministic from the seed and `now`,
 * except the bytes of WeChat bodies (WXBizMsgCrypt puts 16 random bytes in front of the plaintext;
 * the decrypted event is the same). Sent within ~2 minutes, every timestamp is still accepted.
 */
export function buildLoad(o: LoadOptions): Push[] {
  const now = o.now ?? Date.now();
  const signer = new PushSigner(o.shops, o.seed, Number.POSITIVE_INFINITY);
  return planLoad({ ...o, now }).map((step) => signer.sign(step, now));
}

import { fail, ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShopConfig } from '../contract.js';
import { type ListingRef, STOCK_FAILURES, type StockAck, type StockApi, type StockWriteOptions } from '../stock-api.js';
import { callGraphql } from './graphql.js';
import { pullConfig } from './pull.js';

/*
 * Listing stock over the GraphQL Admin API, the "available" quantity at one location:
 *   set       inventorySetQuantities, changeFromQuantity: null (no check)
 *   CAS       inventorySetQuantities, changeFromQuantity: expected (CHANGE_FROM_QUANTITY_STALE otherwise)
 *   increment inventoryAdjustQuantities, delta
 * each with @idempotent(key:), so a retried write with the same key applies once; and read
 * through productVariant → inventoryItem → inventoryLevel(locationId).quantities.
 *
 * ListingRef: itemId = product id, skuId = variant id (numeric, as order lines carry them), so a
 * sold line names its listing. Inventory is per inventory item, one per variant: the item id is
 * looked up once per variant and kept. The location is credentials.locationId (the hub syncs one
 * location per shop).
 */
const gid = (type: string, id: string) => (id.startsWith('gid://') ? id : `gid://shopify/${type}/${id}`);

const VARIANT_QUERY = `query OmnistreamVariantStock($variantId: ID!, $locationId: ID!) {
  productVariant(id: $variantId) {
    product { id }
    inventoryItem { id inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } } }
  }
}`;

const SET_MUTATION = `mutation OmnistreamSetStock($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup { changes { name delta quantityAfterChange } }
    userErrors { code field message }
  }
}`;

const ADJUST_MUTATION = `mutation OmnistreamAdjustStock($input: InventoryAdjustQuantitiesInput!, $idempotencyKey: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup { changes { name delta quantityAfterChange } }
    userErrors { code field message }
  }
}`;

const STALE = new Set(['CHANGE_FROM_QUANTITY_STALE', 'COMPARE_QUANTITY_STALE']);
const NOT_FOUND = new Set(['INVALID_INVENTORY_ITEM', 'ITEM_NOT_STOCKED_AT_LOCATION']);
const RETRYABLE = new Set(['IDEMPOTENCY_CONCURRENT_REQUEST']);

interface Stock {
  inventoryItemId: string;
  available: number | null;
}

/** Variant → inventory item: fixed for the variant's life, so looked up once per shop and variant. */
const inventoryItems = new Map<string, string>();

function location(shop: ShopConfig): Result<string> {
  try {
    pullConfig(shop);
  } catch (err) {
    return permanent((err as Error).message);
  }
  const id = shop.credentials?.locationId;
  return id ? ok(gid('Location', id)) : permanent(`shopify shop ${shop.shopId}: credentials.locationId is required for stock`);
}

async function variantStock(shop: ShopConfig, listing: ListingRef, locationId: string): Promise<Result<Stock>> {
  const answer = await callGraphql(shop, VARIANT_QUERY, { variantId: gid('ProductVariant', listing.skuId), locationId });
  if (!answer.ok) return answer;
  const variant = answer.value.productVariant as
    | { product?: { id?: string }; inventoryItem?: { id?: string; inventoryLevel?: { quantities?: Array<{ name?: string; quantity?: number }> } | null } }
    | null
    | undefined;
  const item = variant?.inventoryItem;
  if (!variant || !item?.id || (variant.product?.id && variant.product.id !== gid('Product', listing.itemId)))
    return fail(`shopify: no variant ${listing.skuId} of product ${listing.itemId}`, { code: STOCK_FAILURES.notFound, retryable: false });
  inventoryItems.set(`${shop.shopId}/${listing.skuId}`, item.id);
  const available = item.inventoryLevel?.quantities?.find((q) => q.name === 'available')?.quantity;
  return ok({ inventoryItemId: item.id, available: typeof available === 'number' ? available : null });
}

async function inventoryItemOf(shop: ShopConfig, listing: ListingRef, locationId: string): Promise<Result<string>> {
  const known = inventoryItems.get(`${shop.shopId}/${listing.skuId}`);
  if (known) return ok(known);
  const stock = await variantStock(shop, listing, locationId);
  return stock.ok ? ok(stock.value.inventoryItemId) : stock;
}

interface MutationPayload {
  inventoryAdjustmentGroup?: { changes?: Array<{ name?: string; quantityAfterChange?: number | null }> } | null;
  userErrors?: Array<{ code?: string | null; message?: string }>;
}

async function mutate(
  shop: ShopConfig,
  listing: ListingRef,
  field: 'inventorySetQuantities' | 'inventoryAdjustQuantities',
  input: (inventoryItemId: string, locationId: string) => Record<string, unknown>,
  opts: StockWriteOptions,
): Promise<Result<StockAck> & { userError?: string }> {
  const loc = location(shop);
  if (!loc.ok) return loc;
  const item = await inventoryItemOf(shop, listing, loc.value);
  if (!item.ok) return item;
  const document = field === 'inventorySetQuantities' ? SET_MUTATION : ADJUST_MUTATION;
  const answer = await callGraphql(shop, document, { input: input(item.value, loc.value), idempotencyKey: opts.idempotencyKey });
  if (!answer.ok) return answer;
  const payload = answer.value[field] as MutationPayload | null | undefined;
  const error = payload?.userErrors?.[0];
  if (error) {
    const reason = `shopify ${field}: ${error.code ?? ''} ${error.message ?? ''}`.trim();
    if (error.code && NOT_FOUND.has(error.code)) return fail(reason, { code: STOCK_FAILURES.notFound, retryable: false });
    return { ...fail(reason, { retryable: RETRYABLE.has(error.code ?? '') }), userError: error.code ?? undefined };
  }
  if (!payload) return transient(`shopify ${field}: no payload in the answer`);
  const after = payload.inventoryAdjustmentGroup?.changes?.find((c) => c.name === 'available')?.quantityAfterChange;
  return ok({ quantityAfter: typeof after === 'number' ? after : null });
}

const setInput =
  (quantity: number, changeFromQuantity: number | null) =>
  (inventoryItemId: string, locationId: string): Record<string, unknown> => ({
    name: 'available',
    reason: 'correction',
    quantities: [{ inventoryItemId, locationId, quantity, changeFromQuantity }],
  });

async function compareAndSet(shop: ShopConfig, listing: ListingRef, expected: number, quantity: number, opts: StockWriteOptions): Promise<Result<StockAck>> {
  const result = await mutate(shop, listing, 'inventorySetQuantities', setInput(quantity, expected), opts);
  if (result.ok || !STALE.has(result.userError ?? '')) return result.ok ? result : withoutUserError(result);
  // The error does not say what the listing holds: read it, so the caller can decide at once.
  const now = await read(shop, listing);
  return { ok: false, reason: result.reason, code: STOCK_FAILURES.casMismatch, retryable: false, ...(now.ok ? { actual: now.value } : {}) };
}

function withoutUserError<T>(result: Result<T> & { userError?: string }): Result<T> {
  const { userError: _, ...rest } = result;
  return rest;
}

async function read(shop: ShopConfig, listing: ListingRef): Promise<Result<number>> {
  const loc = location(shop);
  if (!loc.ok) return loc;
  const stock = await variantStock(shop, listing, loc.value);
  if (!stock.ok) return stock;
  if (stock.value.available === null)
    return fail(`shopify: variant ${listing.skuId} is not stocked at ${loc.value}`, { code: STOCK_FAILURES.notFound, retryable: false });
  return ok(stock.value.available);
}

export const shopifyStock: StockApi = {
  writes: ['SET', 'INCREMENT', 'CAS'],
  idempotentIncrements: true,
  rateLimit: {
    // A mutation costs 10 points: 10 calls/s at the standard plan's restore rate, 100 at once from a full bucket.
    perSecond: 10,
    burst: 100,
    source:
      'shopify.dev GraphQL Admin API rate limits: standard plan restores 100 points/s (cost-based, per app and store); 10 points per mutation and the 1000-point bucket are unverified for current plans',
  },
  set: async (shop, listing, quantity, opts) => withoutUserError(await mutate(shop, listing, 'inventorySetQuantities', setInput(quantity, null), opts)),
  increment: async (shop, listing, delta, opts) =>
    withoutUserError(
      await mutate(
        shop,
        listing,
        'inventoryAdjustQuantities',
        (inventoryItemId, locationId) => ({
          name: 'available',
          reason: 'correction',
          changes: [{ inventoryItemId, locationId, delta, changeFromQuantity: null }],
        }),
        opts,
      ),
    ),
  compareAndSet,
  read,
};

import { json, type ListingStore, type SimResponse, type SimRoute, type WriteOutcome, withStockFault } from '../kit/index.js';

/*
 * The GraphQL Admin API's inventory operations on a ListingStore (listing = product id /
 * variant id; available quantity at the shop's one location): productVariant →
 * inventoryItem → inventoryLevel, inventorySetQuantities (changeFromQuantity: null sets, an
 * integer compares and sets) and inventoryAdjustQuantities (delta), each @idempotent(key:):
 * a repeated key answers the first answer again, without applying anything; the same key with
 * other input is IDEMPOTENCY_KEY_PARAMETER_MISMATCH.
 *
 * Not a GraphQL engine: the operation is recognised by its root field, inputs come from
 * `variables` (the connector sends them so), and the answer has the fields the connector selects.
 * Throttling is Shopify's cost answer (10 points a call, the bucket being the store's token bucket).
 */
export const MUTATION_COST = 10;
/** What a variant's inventory item id is in the simulator. */
export const inventoryItemIdOf = (variantId: string) => (BigInt(variantId) * 10n + 1n).toString();

const numeric = (id: unknown, type: string) => (typeof id === 'string' ? id.replace(`gid://shopify/${type}/`, '') : '');

export interface StockApiState {
  listings: ListingStore;
  /** The shop's one location (numeric id). */
  locationId: string;
  /** Points per second the throttle answer says the bucket restores. */
  restoreRate: number;
}

interface Idempotent {
  fingerprint: string;
  answer: unknown;
}

/** Shopify's THROTTLED answer, with the cost extension (every GraphQL operation of the simulator shares the bucket). */
export function throttled(state: StockApiState): SimResponse {
  return json({
    errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/limits' } }],
    extensions: {
      cost: {
        requestedQueryCost: MUTATION_COST,
        actualQueryCost: null,
        throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 0, restoreRate: state.restoreRate },
      },
    },
  });
}

/** A GraphQL answer with data and a cost extension. */
export const answer = (data: unknown) =>
  json({ data, extensions: { cost: { requestedQueryCost: MUTATION_COST, actualQueryCost: MUTATION_COST, throttleStatus: { maximumAvailable: 1000 } } } });

type Change = { inventoryItemId?: unknown; locationId?: unknown; quantity?: unknown; delta?: unknown; changeFromQuantity?: unknown };

/** Another operation served on the same GraphQL endpoint (orderCancel, order: cancel-api.ts), recognised by its root field. */
export interface GraphqlOperation {
  root: string;
  handle(query: string, variables: Record<string, unknown>): SimResponse | Promise<SimResponse>;
}

export function stockApi(state: StockApiState, operations: readonly GraphqlOperation[] = []): SimRoute[] {
  const { listings } = state;
  const keys = new Map<string, Idempotent>();
  const byInventoryItem = (id: unknown) => listings.all().find((l) => inventoryItemIdOf(l.skuId) === numeric(id, 'InventoryItem'));

  const variantQuery = (variables: Record<string, unknown>) => {
    const variantId = numeric(variables.variantId, 'ProductVariant');
    const listing = listings.all().find((l) => l.skuId === variantId);
    if (!listing) return { productVariant: null };
    const here = numeric(variables.locationId, 'Location') === state.locationId;
    return {
      productVariant: {
        product: { id: `gid://shopify/Product/${listing.itemId}` },
        inventoryItem: {
          id: `gid://shopify/InventoryItem/${inventoryItemIdOf(listing.skuId)}`,
          inventoryLevel: here ? { quantities: [{ name: 'available', quantity: listing.quantity }] } : null,
        },
      },
    };
  };

  function applyChange(field: string, input: { name?: unknown; quantities?: Change[]; changes?: Change[] }): { userErrors: unknown[]; after?: number } {
    const change = (field === 'inventorySetQuantities' ? input.quantities : input.changes)?.[0];
    const userError = (code: string, message: string) => ({ userErrors: [{ code, field: ['input'], message }] });
    if (input.name !== 'available') return userError('INVALID_NAME', "The quantity name must be either 'available' or 'on_hand'.");
    if (!change || !('changeFromQuantity' in change)) return userError('CHANGE_FROM_QUANTITY_REQUIRED', 'changeFromQuantity must be given, even if null.');
    if (numeric(change.locationId, 'Location') !== state.locationId) return userError('INVALID_LOCATION', 'The specified location could not be found.');
    const listing = byInventoryItem(change.inventoryItemId);
    if (!listing) return userError('INVALID_INVENTORY_ITEM', 'The specified inventory item could not be found.');
    const from = change.changeFromQuantity;
    let outcome: WriteOutcome;
    if (field === 'inventorySetQuantities') {
      const quantity = Number(change.quantity);
      outcome =
        typeof from === 'number'
          ? listings.compareAndSet(listing.itemId, listing.skuId, from, quantity)
          : listings.set(listing.itemId, listing.skuId, quantity);
    } else if (typeof from === 'number' && from !== listing.quantity) outcome = { ok: false, code: 'cas_mismatch' };
    else outcome = listings.increment(listing.itemId, listing.skuId, Number(change.delta));
    if (outcome.ok) return { userErrors: [], after: outcome.quantityAfter };
    if (outcome.code === 'cas_mismatch') return userError('CHANGE_FROM_QUANTITY_STALE', 'The changeFromQuantity value does not match persisted value.');
    if (outcome.code === 'negative') return userError('INVALID_QUANTITY_NEGATIVE', "The quantity can't be negative.");
    return userError('INVALID_INVENTORY_ITEM', 'The specified inventory item could not be found.');
  }

  async function mutation(field: string, query: string, variables: Record<string, unknown>): Promise<SimResponse> {
    const input = (variables.input ?? {}) as Parameters<typeof applyChange>[1];
    const keyRef = /@idempotent\s*\(\s*key:\s*(?:\$(\w+)|"([^"]*)")/.exec(query);
    const key = keyRef ? (keyRef[1] !== undefined ? variables[keyRef[1]] : keyRef[2]) : undefined;
    if (typeof key !== 'string' || !key)
      return json({ errors: [{ message: `${field} requires the @idempotent directive`, extensions: { code: 'BAD_REQUEST' } }] });
    const fingerprint = JSON.stringify([field, input]);
    const seen = keys.get(key);
    if (seen && seen.fingerprint !== fingerprint)
      return answer({
        [field]: {
          inventoryAdjustmentGroup: null,
          userErrors: [
            {
              code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH',
              field: null,
              message: 'The same idempotency key cannot be used with different operation parameters.',
            },
          ],
        },
      });
    if (seen) return answer(seen.answer);
    const group = (after: number | undefined) => (after === undefined ? null : { changes: [{ name: 'available', delta: null, quantityAfterChange: after }] });
    // The key is kept as the write happens, before any delay: a retry while the answer is late gets the same answer.
    const remembered = (value: unknown) => {
      keys.set(key, { fingerprint, answer: value });
      return value;
    };
    const result = await withStockFault(
      listings,
      () => {
        const applied = applyChange(field, input);
        return remembered({ [field]: { inventoryAdjustmentGroup: group(applied.after), userErrors: applied.userErrors } });
      },
      () => remembered({ [field]: { inventoryAdjustmentGroup: { changes: [] }, userErrors: [] } }),
    );
    if ('fault' in result) return result.fault === 'rate-limit' ? throttled(state) : json({ errors: 'Service Unavailable' }, 503);
    return answer(result.value);
  }

  return [
    {
      method: 'POST',
      path: '/admin/api/:version/graphql.json',
      handler: async (req) => {
        let body: { query?: unknown; variables?: Record<string, unknown> };
        try {
          body = JSON.parse(req.body.toString('utf8'));
        } catch {
          return json({ errors: [{ message: 'Invalid JSON' }] }, 400);
        }
        const query = typeof body.query === 'string' ? body.query : '';
        const variables = body.variables ?? {};
        if (!listings.admitCall()) return throttled(state);
        if (/\binventorySetQuantities\s*\(/.test(query)) return mutation('inventorySetQuantities', query, variables);
        if (/\binventoryAdjustQuantities\s*\(/.test(query)) return mutation('inventoryAdjustQuantities', query, variables);
        if (/\bproductVariant\s*\(/.test(query)) return answer(variantQuery(variables));
        for (const op of operations) if (new RegExp(`\\b${op.root}\\s*\\(`).test(query)) return op.handle(query, variables);
        return json({ errors: [{ message: 'The simulator serves productVariant, inventorySetQuantities and inventoryAdjustQuantities only' }] });
      },
    },
  ];
}

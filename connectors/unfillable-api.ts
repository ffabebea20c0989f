import type { Result } from '../lib/result.js';
import type { ShopConfig } from './contract.js';

/*
 * Telling a channel that the hub cannot fill a paid order: the platform's seller cancellation,
 * seller-initiated refund, or out-of-stock mark (缺货) — whichever it offers for a paid order the
 * seller cannot ship. sinks/channel-cancel calls it for an order the shop's policy cancels
 * automatically (onUnfillable: CANCEL), or that a person chose to cancel from the exception queue.
 * A platform with no such API has no `unfillable`; its orders stay on the queue for a person.
 */

/** What the platform's call does to the order. */
export type UnfillableAction =
  /** The seller cancels the order; the platform refunds the buyer (Shopify orderCancel, Meituan order/cancel…). */
  | 'CANCEL'
  /** The seller starts a full refund, which closes the order once done (Youzan's seller-active refund…). */
  | 'REFUND'
  /** The seller marks the order out of stock; the platform refunds or lets the buyer choose (缺货 marks). */
  | 'OUT_OF_STOCK';

/** Failure codes of unfillable calls (Failure.code). */
export const UNFILLABLE_FAILURES = {
  /** Too many calls: back off and retry. */
  rateLimited: 'rate_limited',
  /** The order can no longer be cancelled this way (shipped, in after-sales, past the platform's window). Not retryable: a person decides. */
  notCancellable: 'not_cancellable',
  /** The platform does not know the order. Not retryable. */
  notFound: 'not_found',
} as const;

export interface UnfillableNotice {
  /** The platform's order id, as the hub keeps it (a lossless string). */
  channelOrderId: string;
  /** Why, for the platform's reason field where it has free text; never buyer data. */
  reason: string;
  /**
   * Stable per order: a retried call with the same key is applied once where the platform keeps
   * keys. Where it keeps none, a retry after a lost answer may find the order already cancelled,
   * which the connector answers as success (`alreadyDone: true`).
   */
  idempotencyKey: string;
}

export interface UnfillableAck {
  /** The platform's id for what it created (a refund id, a cancellation id), when it gives one. */
  platformRef: string | null;
  /** The order was already cancelled / refunded / marked before this call (a retry after a lost answer, or the buyer cancelled). */
  alreadyDone: boolean;
}

export interface UnfillableApi {
  action: UnfillableAction;
  /** The documented API (method name or endpoint) and where its facts come from, or "unverified: …". */
  source: string;
  /** Tells the platform the order will not be filled. */
  tell(shop: ShopConfig, notice: UnfillableNotice): Promise<Result<UnfillableAck>>;
}

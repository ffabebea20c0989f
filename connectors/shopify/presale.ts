/*
 * Shopify has no presale flag on orders. By seller convention (ours, not Shopify's) a presale
 * order carries the tag "presale". Tags are one comma-separated string; Shopify compares tags
 * case-insensitively, so do we. Whole tags only: "no-presale" is not "presale".
 */
export const PRESALE_TAG = 'presale';

export function isPresale(tags: string | undefined): boolean {
  if (!tags) return false;
  return tags.split(',').some((tag) => tag.trim().toLowerCase() === PRESALE_TAG);
}

import { locateProvince } from '../inventory/regions.js';

/**
 * One key per province however it is spelt ("浙江省", "Zhejiang", "ZJ", "CN-ZJ"): the location of its
 * capital, from the inventory's province table. undefined when the province is unknown.
 */
export function provinceKey(name: string | null | undefined): string | undefined {
  const p = locateProvince(name);
  return p ? `${p.lat},${p.lon}` : undefined;
}

/** Is the buyer in mainland China (or Hong Kong, Macau, Taiwan: served as provinces here)? A missing country is taken as China. */
export function isDomestic(country: string | null | undefined): boolean {
  return country === null || country === undefined || country === '' || country.toUpperCase() === 'CN';
}

/** The first group (in document order) whose provinces include `province`, or undefined. */
export function groupOf(groups: Record<string, string[]>, province: string | null | undefined): string | undefined {
  const key = provinceKey(province);
  if (!key) return undefined;
  return Object.entries(groups).find(([, members]) => members.some((m) => provinceKey(m) === key))?.[0];
}

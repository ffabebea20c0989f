/**
 * Where buyers and warehouses are: provincial capitals of China's 34 provincial-level divisions,
 * by Chinese name, pinyin and code (ISO 3166-2:CN; Shopify's codes are the same except Tibet "YZ").
 * Enough to rank warehouses by distance and to group provinces however a channel spells them;
 * cities can refine this later. The one province table of the hub (inventory, routing, waves).
 */
const PROVINCES: [zh: string, pinyin: string, codes: string[], lat: number, lon: number][] = [
  ['北京', 'beijing', ['BJ'], 39.9, 116.4],
  ['天津', 'tianjin', ['TJ'], 39.13, 117.2],
  ['河北', 'hebei', ['HE'], 38.04, 114.51],
  ['山西', 'shanxi', ['SX'], 37.87, 112.55],
  ['内蒙古', 'inner mongolia', ['NM'], 40.84, 111.75],
  ['辽宁', 'liaoning', ['LN'], 41.8, 123.43],
  ['吉林', 'jilin', ['JL'], 43.88, 125.32],
  ['黑龙江', 'heilongjiang', ['HL'], 45.8, 126.53],
  ['上海', 'shanghai', ['SH'], 31.23, 121.47],
  ['江苏', 'jiangsu', ['JS'], 32.06, 118.8],
  ['浙江', 'zhejiang', ['ZJ'], 30.27, 120.15],
  ['安徽', 'anhui', ['AH'], 31.82, 117.23],
  ['福建', 'fujian', ['FJ'], 26.07, 119.3],
  ['江西', 'jiangxi', ['JX'], 28.68, 115.86],
  ['山东', 'shandong', ['SD'], 36.65, 117.12],
  ['河南', 'henan', ['HA'], 34.75, 113.63],
  ['湖北', 'hubei', ['HB'], 30.59, 114.31],
  ['湖南', 'hunan', ['HN'], 28.23, 112.94],
  ['广东', 'guangdong', ['GD'], 23.13, 113.26],
  ['广西', 'guangxi', ['GX'], 22.82, 108.37],
  ['海南', 'hainan', ['HI'], 20.04, 110.35],
  ['重庆', 'chongqing', ['CQ'], 29.56, 106.55],
  ['四川', 'sichuan', ['SC'], 30.57, 104.07],
  ['贵州', 'guizhou', ['GZ'], 26.65, 106.63],
  ['云南', 'yunnan', ['YN'], 25.04, 102.71],
  ['西藏', 'tibet', ['XZ', 'YZ'], 29.65, 91.13],
  ['陕西', 'shaanxi', ['SN'], 34.34, 108.94],
  ['甘肃', 'gansu', ['GS'], 36.06, 103.83],
  ['青海', 'qinghai', ['QH'], 36.62, 101.78],
  ['宁夏', 'ningxia', ['NX'], 38.49, 106.23],
  ['新疆', 'xinjiang', ['XJ'], 43.83, 87.62],
  ['台湾', 'taiwan', ['TW'], 25.03, 121.57],
  ['香港', 'hong kong', ['HK'], 22.32, 114.17],
  ['澳门', 'macau', ['MO'], 22.2, 113.54],
];

export interface Point {
  lat: number;
  lon: number;
}

const INDEX = new Map<string, Point>();
for (const [zh, pinyin, codes, lat, lon] of PROVINCES) {
  for (const name of [zh, pinyin, ...codes.map((c) => c.toLowerCase()), ...codes.map((c) => `cn-${c.toLowerCase()}`)]) INDEX.set(name, { lat, lon });
}

/** "浙江省", "Zhejiang", "ZJ", "CN-ZJ" → the same place; unknown → undefined. */
export function locateProvince(name: string | null | undefined): Point | undefined {
  if (!name) return undefined;
  const plain = name
    .trim()
    .toLowerCase()
    .replace(/(壮族|回族|维吾尔)?自治区$|特别行政区$|省$|市$/u, '')
    .replace(/ (province|municipality|autonomous region|sar)$/, '');
  return INDEX.get(plain);
}

/** Great-circle distance in km. */
export function distanceKm(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/**
 * One key per province however it is spelt ("浙江省", "Zhejiang", "ZJ", "CN-ZJ"): the location of its
 * capital. undefined when the province is unknown.
 */
export function provinceKey(name: string | null | undefined): string | undefined {
  const p = locateProvince(name);
  return p ? `${p.lat},${p.lon}` : undefined;
}

/** The first group (in document order) whose provinces include `province`, or undefined. */
export function groupOf(groups: Record<string, string[]>, province: string | null | undefined): string | undefined {
  const key = provinceKey(province);
  if (!key) return undefined;
  return Object.entries(groups).find(([, members]) => members.some((m) => provinceKey(m) === key))?.[0];
}

/** Is the buyer in mainland China (or Hong Kong, Macau, Taiwan: served as provinces here)? A missing country is taken as China. */
export function isDomestic(country: string | null | undefined): boolean {
  return country === null || country === undefined || country === '' || country.toUpperCase() === 'CN';
}

/**
 * A channel's country field as the hub writes it: "中国", "China" and "CN" (any case) are "CN",
 * other two-letter codes upper case, anything else as given; blank is null.
 */
export function countryCode(value: string | null | undefined): string | null {
  const c = value?.trim();
  if (!c) return null;
  if (c === '中国' || /^(cn|china)$/i.test(c)) return 'CN';
  return /^[A-Za-z]{2}$/.test(c) ? c.toUpperCase() : c;
}

import { describe, expect, it } from 'vitest';
import { countryCode, groupOf, locateProvince } from './regions.js';

describe('regions', () => {
  it('reads a channel country field as the hub writes it', () => {
    expect(['中国', 'China', 'cn', ' CN '].map(countryCode)).toEqual(['CN', 'CN', 'CN', 'CN']);
    expect([' us', 'Deutschland', '', null, undefined].map(countryCode)).toEqual(['US', 'Deutschland', null, null, null]);
  });

  it('knows a province however it is spelt', () => {
    expect(new Set(['浙江省', 'Zhejiang', 'ZJ', 'cn-zj'].map((p) => JSON.stringify(locateProvince(p))))).toHaveProperty('size', 1);
    expect(groupOf({ south: ['广东', 'GX'], east: ['浙江省'] }, '广西壮族自治区')).toBe('south');
  });
});

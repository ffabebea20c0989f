import { describe, expect, it } from 'vitest';
import { loadDivergenceConfig } from './config.js';

describe('divergence config', () => {
  it('has defaults for every type and reads seconds from the environment', () => {
    expect(loadDivergenceConfig({})).toMatchObject({
      escalationFactor: 3,
      settleMs: 5000,
      graceMs: { NO_CARRIER_SCAN: 12 * 3600_000, CANCELLED_IN_FULFILMENT: 120_000 },
    });
    const c = loadDivergenceConfig({ OMNISTREAM_DIVERGENCE_PAID_NOT_SEEN_GRACE_SECONDS: '90', OMNISTREAM_DIVERGENCE_ESCALATION_FACTOR: '2' });
    expect(c.graceMs.PAID_NOT_SEEN).toBe(90_000);
    expect(c.escalationFactor).toBe(2);
  });

  it('refuses a window that is not a positive number, naming the variable', () => {
    expect(() => loadDivergenceConfig({ OMNISTREAM_DIVERGENCE_SHIPPED_NOT_SYNCED_GRACE_SECONDS: '-1' })).toThrow(
      /OMNISTREAM_DIVERGENCE_SHIPPED_NOT_SYNCED_GRACE_SECONDS/,
    );
  });
});

import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { ChannelConnector, ShopConfig } from '../../connectors/contract.js';
import type { UnfillableAck, UnfillableNotice } from '../../connectors/unfillable-api.js';
import { createLogger } from '../../lib/logger.js';
import { ok, type Result } from '../../lib/result.js';
import type { ChannelCommand } from '../../topics/schemas/channel-command.js';
import type { CommandOutcome } from '../../topics/schemas/command-outcome.js';
import type { HubException } from '../../topics/schemas/hub-exception.js';
import { SyncBackExecutor } from './executor.js';

/*
 * The executor's rules with the Kafka and Redis edges replaced by in-memory stand-ins (the real
 * ones are exercised in test/sync-back.spec.ts): retries, outcomes, refusals, redelivery.
 */
function harness(shipResults: Result[], opts: { withShip?: boolean; shops?: ShopConfig[]; cancelResults?: Result<UnfillableAck>[] } = {}) {
  const kv = new Map<string, string>();
  const redis = {
    mget: async (...keys: string[]) => keys.map((k) => kv.get(k) ?? null),
    set: async (k: string, v: string) => {
      kv.set(k, v);
      return 'OK';
    },
  } as unknown as Redis;
  const written: CommandOutcome[] = [];
  const exceptions: HubException[] = [];
  const told: UnfillableNotice[] = [];
  let shipCalls = 0;
  const cancelResults = opts.cancelResults;
  const connector = {
    channel: 'sim',
    ...(opts.withShip === false ? {} : { ship: async () => shipResults[Math.min(shipCalls++, shipResults.length - 1)]! }),
    ...(cancelResults
      ? {
          unfillable: {
            action: 'CANCEL',
            source: 'test',
            tell: async (_shop: ShopConfig, notice: UnfillableNotice) => {
              told.push(notice);
              return cancelResults[Math.min(told.length - 1, cancelResults.length - 1)]!;
            },
          },
        }
      : {}),
  } as unknown as ChannelConnector;
  const shops = opts.shops ?? [{ channel: 'sim', shopId: 's1', brand: 'B', secret: 'secret-123' }];
  const sleeps: number[] = [];
  const executor = new SyncBackExecutor({
    redis,
    namespace: 'unit',
    emit: async (outcomes) => {
      written.push(...outcomes);
    },
    emitExceptions: async (e) => {
      exceptions.push(...e);
    },
    log: createLogger('sync-back-test', 'silent'),
    connectors: { sim: connector },
    shops: { get: (c, s) => shops.find((x) => x.channel === c && x.shopId === s) },
    ingestor: { ingest: async () => ({ status: 200, outcome: 'accepted' }) },
    retry: { attempts: 3, baseMs: 10, maxMs: 40 },
    concurrency: 4,
    now: () => 5000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 1,
  });
  return { executor, written, exceptions, told, sleeps, shipCalls: () => shipCalls };
}

const ship = (id: string, over: Partial<ChannelCommand> = {}): ChannelCommand => ({
  commandId: id,
  kind: 'SHIP',
  orderKey: `sim:s1:${id}`,
  channel: 'sim',
  shopId: 's1',
  channelOrderId: id,
  carrier: 'SF',
  waybillNo: 'SF1',
  divergenceId: null,
  reason: 'test',
  since: null,
  issuedAt: 1000,
  ...over,
});

describe('SyncBackExecutor', () => {
  it('retries retryable failures with backoff, writing RETRYING per attempt, then SUCCEEDED', async () => {
    const h = harness([{ ok: false, reason: 'HTTP 503', retryable: true }, { ok: false, reason: 'HTTP 429', retryable: true }, ok()]);
    await h.executor.handleBatch([ship('a')]);
    expect(h.written.map((o) => [o.outcomeId, o.state, o.reason])).toEqual([
      ['a#1', 'RETRYING', 'HTTP 503'],
      ['a#2', 'RETRYING', 'HTTP 429'],
      ['a#3', 'SUCCEEDED', 'shipped; the channel has no query API to confirm it'],
    ]);
    expect(h.sleeps).toEqual([10, 20]);
  });

  it('fails at once on a permanent error, and after the last attempt on a retryable one', async () => {
    const permanent = harness([{ ok: false, reason: 'order does not exist', retryable: false }]);
    await permanent.executor.handleBatch([ship('p')]);
    expect(permanent.written.map((o) => o.state)).toEqual(['FAILED']);
    const flaky = harness([{ ok: false, reason: 'HTTP 503', retryable: true }]);
    await flaky.executor.handleBatch([ship('f')]);
    expect(flaky.written.map((o) => o.state)).toEqual(['RETRYING', 'RETRYING', 'FAILED']);
    expect(flaky.written.at(-1)!.reason).toBe('gave up after 3 attempts: HTTP 503');
  });

  it("re-emits a finished command's outcomes on redelivery instead of executing it again", async () => {
    const h = harness([{ ok: false, reason: 'HTTP 503', retryable: true }, ok()]);
    await h.executor.handleBatch([ship('r'), ship('r')]);
    await h.executor.handleBatch([ship('r')]);
    expect(h.shipCalls()).toBe(2);
    expect(h.written.map((o) => o.outcomeId)).toEqual(['r#1', 'r#2', 'r#1', 'r#2']);
  });

  it('fails commands it cannot execute, with the reason, without calling the platform', async () => {
    const noShop = harness([ok()], { shops: [] });
    await noShop.executor.handleBatch([ship('x')]);
    expect(noShop.written).toMatchObject([{ state: 'FAILED', reason: 'shop sim/s1 is not in the shop directory' }]);
    const noShip = harness([ok()], { withShip: false });
    await noShip.executor.handleBatch([ship('y'), ship('z', { carrier: 'DHL' }), ship('w', { channel: 'nope' })]);
    expect(noShip.written.map((o) => o.reason)).toEqual([
      'the sim connector has no ship API',
      'the sim connector has no ship API',
      'no connector for channel nope',
    ]);
    const badCarrier = harness([ok()]);
    await badCarrier.executor.handleBatch([ship('z', { carrier: 'DHL' })]);
    expect(badCarrier.written).toMatchObject([{ state: 'FAILED', reason: expect.stringContaining('DHL') }]);
    expect(badCarrier.shipCalls()).toBe(0);
  });

  describe('CANCEL_UNFILLABLE', () => {
    const cancel = (id: string) =>
      ship(id, {
        kind: 'CANCEL_UNFILLABLE',
        commandId: `cancel-unfillable:sim:s1:${id}`,
        carrier: null,
        waybillNo: null,
        reason: 'paid, but the hub cannot fill it (no stock)',
      });

    it('tells the channel once it answers (retrying a 5xx), with the command id as idempotency key; the exception becomes CANCELLED', async () => {
      const h = harness([], { cancelResults: [{ ok: false, reason: 'HTTP 502', retryable: true }, ok({ platformRef: 'refund-9', alreadyDone: false })] });
      await h.executor.handleBatch([cancel('o1')]);
      expect(h.told).toEqual([
        { channelOrderId: 'o1', reason: 'paid, but the hub cannot fill it (no stock)', idempotencyKey: 'cancel-unfillable:sim:s1:o1' },
        { channelOrderId: 'o1', reason: 'paid, but the hub cannot fill it (no stock)', idempotencyKey: 'cancel-unfillable:sim:s1:o1' },
      ]);
      expect(h.written.map((o) => [o.state, o.reason])).toEqual([
        ['RETRYING', 'HTTP 502'],
        ['SUCCEEDED', 'CANCEL taken by the channel (refund-9); the channel has no query API to confirm it'],
      ]);
      expect(h.exceptions).toEqual([
        {
          exceptionId: 'paid-unfillable:sim:s1:o1',
          kind: 'PAID_UNFILLABLE',
          state: 'CANCELLED',
          subject: 'sim:s1:o1',
          channel: 'sim',
          shopId: 's1',
          reason: expect.stringContaining('refund-9'),
          at: 5000,
        },
      ]);
    });

    it('an order the channel had already cancelled counts as done', async () => {
      const h = harness([], { cancelResults: [ok({ platformRef: null, alreadyDone: true })] });
      await h.executor.handleBatch([cancel('o2')]);
      expect(h.written).toMatchObject([{ state: 'SUCCEEDED', reason: expect.stringContaining('already had it cancelled') }]);
      expect(h.exceptions).toMatchObject([{ state: 'CANCELLED' }]);
    });

    it('a refusal, or a channel without such an API, sends the order back to a person as CANCEL_FAILED', async () => {
      const refused = harness([], { cancelResults: [{ ok: false, reason: 'order already shipped', code: 'not_cancellable', retryable: false }] });
      await refused.executor.handleBatch([cancel('o3')]);
      expect(refused.written).toMatchObject([{ state: 'FAILED', reason: 'order already shipped' }]);
      expect(refused.exceptions).toMatchObject([{ state: 'CANCEL_FAILED', reason: expect.stringContaining('a person must act: order already shipped') }]);
      const noApi = harness([]);
      await noApi.executor.handleBatch([cancel('o4')]);
      expect(noApi.exceptions).toMatchObject([{ state: 'CANCEL_FAILED', reason: expect.stringContaining('no API to cancel, refund or mark out of stock') }]);
    });

    it('a redelivered command re-emits its outcome and exception without telling the channel again', async () => {
      const h = harness([], { cancelResults: [ok({ platformRef: null, alreadyDone: false })] });
      await h.executor.handleBatch([cancel('o5')]);
      await h.executor.handleBatch([cancel('o5')]);
      expect(h.told).toHaveLength(1);
      expect(h.exceptions.map((e) => e.state)).toEqual(['CANCELLED', 'CANCELLED']);
    });
  });
});

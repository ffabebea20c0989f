import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { TopicSerde } from '../../topics/serde.js';
import type { Kafka, Producer } from '../kafka.js';
import { createLogger } from '../logger.js';
import { createContext } from './context.js';
import { consumerGroupsOf, defineProcessor, groupOf, partOf } from './definition.js';
import { describeTopology } from './describe.js';
import { runProcessor } from './run.js';
import type { Runtime } from './runtime.js';

/*
 * The contract's guards, which act before any client is used: a component can only reach what it
 * declares. (Consuming and publishing themselves run against the real stack in every test/ spec.)
 */
const probe = defineProcessor({
  name: 'probe',
  part: 'probes',
  kind: 'processor',
  summary: "a component for the contract's tests",
  inputs: { orderEvents: 'reads orders' },
  outputs: { divergences: 'writes divergences' },
  stores: [{ prefix: 'probe', kind: 'redis', holds: 'nothing much' }],
  timers: [{ name: 'tick', every: 'every second', does: 'nothing' }],
  options: () => ({}),
  async start() {
    return { hello: () => 'world' };
  },
});

function runtime(sent: unknown[] = []): Runtime {
  const producer = {
    send: async (r: unknown) => {
      sent.push(r);
    },
    sendBatch: async (r: unknown) => {
      sent.push(r);
    },
  } as unknown as Producer;
  return {
    namespace: 'unit',
    kafka: {} as Kafka,
    producer,
    serde: {} as TopicSerde,
    log: createLogger('unit', 'silent'),
    metrics: new Registry(),
    channels: ['shopify'],
    redis: new Redis({ lazyConnect: true }),
  };
}

describe('processor contract', () => {
  it('derives part and group from the definition', () => {
    expect(partOf(probe)).toBe('probes');
    expect(groupOf(probe)).toBe('probe');
    expect(groupOf(defineProcessor({ ...probe, name: 'source', inputs: {} as never, group: undefined }))).toBeNull();
    expect(() => defineProcessor({ ...probe, inputs: {} as never, group: 'g' })).toThrow(/consumer group without inputs/);
  });

  it('gives a lane its own consumer group, and consumes a lane only through it', async () => {
    const laned = defineProcessor({
      name: 'probe',
      part: 'probes',
      kind: 'processor',
      summary: 'a component reading two inputs, one in a lane',
      outputs: { divergences: 'writes divergences' },
      options: () => ({}),
      inputs: { orderEvents: 'reads orders', stockMovements: 'reads moves' },
      lanes: { heavy: ['orderEvents'] },
      async start() {
        return {};
      },
    });
    expect(consumerGroupsOf(laned)).toEqual([
      { group: 'probe', lane: null, topics: ['stockMovements'] },
      { group: 'probe.heavy', lane: 'heavy', topics: ['orderEvents'] },
    ]);
    expect(consumerGroupsOf(probe)).toEqual([{ group: 'probe', lane: null, topics: ['orderEvents'] }]);
    expect(() => defineProcessor({ ...probe, lanes: { x: ['stockMovements' as 'orderEvents'] } })).toThrow(
      /lane x reads stockMovements, which is not among its inputs/,
    );
    const ctx = createContext<'orderEvents' | 'stockMovements', 'divergences'>(laned, runtime());
    await expect(ctx.consume(async () => {}, { lane: 'light' })).rejects.toThrow(/has no lane light/);
    await expect(ctx.consume(async () => {}, { topics: ['orderEvents'] })).rejects.toThrow(/orderEvents, which is not among the inputs of group probe$/);
  });

  it('refuses to publish a topic the component does not declare, before anything is sent', async () => {
    const sent: unknown[] = [];
    const ctx = createContext<'orderEvents', 'divergences'>(probe, runtime(sent));
    // Undeclared outputs are a type error too; the runtime check catches what a cast lets through.
    await expect(ctx.publish('orderEvents' as 'divergences', [])).rejects.toThrow(/probe publishes orderEvents, which is not among its declared outputs/);
    await expect(ctx.publishBatch({ orderEvents: [{ key: 'k', value: {} }] } as never)).rejects.toThrow(/orderEvents is not among the declared outputs/);
    await ctx.publish('divergences', []);
    expect(sent).toEqual([]);
  });

  it('hands out only declared stores and timers, and consumes only declared inputs', async () => {
    const ctx = createContext<'orderEvents', 'divergences'>(probe, runtime());
    expect(ctx.store('probe')).toBe('{unit}:probe:');
    expect(() => ctx.store('inv')).toThrow(/does not declare/);
    expect(() => ctx.every('other', { seconds: 1, run: async () => 0 })).toThrow(/does not declare/);
    await expect(ctx.consume(async () => {}, { topics: ['stockMovements' as 'orderEvents'] })).rejects.toThrow(/not among the inputs of group/);
    expect(() => ctx.pool).toThrow(/needs Postgres/);
    expect(() => ctx.http).toThrow(/serves routes/);
  });

  it('returns the handles with stop(), stopping clean-ups last registered first, once', async () => {
    const order: string[] = [];
    const def = defineProcessor({
      ...probe,
      async start(ctx) {
        ctx.onStop(() => {
          order.push('first');
        });
        ctx.onStop(() => {
          order.push('second');
        });
        return { hello: () => 'world' };
      },
    });
    const running = await runProcessor(def, runtime(), {});
    expect(running.hello()).toBe('world');
    expect(running.caughtUp()).toBe(true);
    await Promise.all([running.stop(), running.stop()]);
    expect(order).toEqual(['second', 'first']);
  });

  it('describes a component with its part, group, inputs, stores, timers and outputs', () => {
    const text = describeTopology([probe], { namespace: 'ns' });
    expect(text).toContain('processor probe  [part probes, group ns.probe]');
    expect(text).toContain('<- ns.order-events — reads orders');
    expect(text).toContain('store  {ns}:probe:* — nothing much');
    expect(text).toContain('timer  tick (every second) — nothing');
    expect(text).toContain('-> ns.divergences — writes divergences');
    expect(text).toMatch(/ns\.order-events\s+\(outside the hub\)\s+-> probe/);
  });
});

import type { ChannelCommand } from '../../topics/schemas/channel-command.js';
import type { DivergenceEvent } from '../../topics/schemas/divergence-event.js';
import type { WarehouseCommand } from '../../topics/schemas/warehouse-command.js';
import type { DivergenceConfig } from './config.js';
import { evaluate } from './core.js';
import { type Fact, factOf } from './facts.js';
import type { InputRecord } from './histories.js';

/**
 * The processor without Kafka and Redis, for the core's tests: facts by id per order, outputs
 * claimed by id, and a timer that fires at each order's next deadline.
 */
export class Simulation {
  readonly divergences: DivergenceEvent[] = [];
  readonly channelCommands: ChannelCommand[] = [];
  readonly warehouseCommands: WarehouseCommand[] = [];
  private readonly facts = new Map<string, Map<string, Fact>>();
  private readonly emitted = new Map<string, { events: DivergenceEvent[]; ids: Set<string> }>();
  private readonly due = new Map<string, number>();
  /** The time of the last delivery: the timer never fires before the news it acts on. */
  private clock = Number.NEGATIVE_INFINITY;

  constructor(private readonly config: DivergenceConfig) {}

  /** One input record arrives (the timer first catches up to `at`, if given). */
  deliver(record: InputRecord, at?: number): void {
    if (at !== undefined) {
      this.runUntil(at);
      this.clock = Math.max(this.clock, at);
    }
    const f = factOf(record);
    if (!f) return;
    const facts = this.facts.get(f.orderKey) ?? new Map<string, Fact>();
    this.facts.set(f.orderKey, facts);
    if (!facts.has(f.id)) facts.set(f.id, f);
    this.settle(f.orderKey, null);
  }

  /** Lets time pass: every deadline up to `now` fires, in order. */
  runUntil(now: number): void {
    for (;;) {
      let next: [string, number] | null = null;
      for (const [k, d] of this.due) if (d <= now && (!next || d < next[1])) next = [k, d];
      if (!next) return;
      this.settle(next[0], Math.max(next[1], this.clock));
    }
  }

  /** The timer's view of one order at `now` (null: an event arrived). */
  settle(orderKey: string, now: number | null): void {
    const emitted = this.emitted.get(orderKey) ?? { events: [], ids: new Set<string>() };
    this.emitted.set(orderKey, emitted);
    const r = evaluate(orderKey, this.facts.get(orderKey)?.values() ?? [], emitted, now, this.config);
    for (const d of r.divergences) {
      emitted.events.push(d);
      emitted.ids.add(d.eventId);
      this.divergences.push(d);
    }
    for (const c of r.channelCommands) {
      emitted.ids.add(c.commandId);
      this.channelCommands.push(c);
    }
    for (const c of r.warehouseCommands) {
      emitted.ids.add(c.commandId);
      this.warehouseCommands.push(c);
    }
    if (r.nextDeadline === null) this.due.delete(orderKey);
    else this.due.set(orderKey, r.nextDeadline);
  }
}

/**
 * How Kafka hands records over: each topic in broker order, each record a little after it was
 * written (`delays`), a topic never overtaking itself; topics interleave freely. `repeats` are
 * indices of records delivered a second time later (a redelivery after a crash).
 */
export function deliveries(records: InputRecord[], delays: number[], repeats: number[] = []): { record: InputRecord; at: number }[] {
  const byTopic = new Map<string, InputRecord[]>();
  for (const r of records) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
  const out: { record: InputRecord; at: number }[] = [];
  let k = 0;
  const delay = () => (delays.length === 0 ? 0 : delays[k++ % delays.length]!);
  for (const rs of byTopic.values()) {
    let last = Number.NEGATIVE_INFINITY;
    const topicOut: { record: InputRecord; at: number }[] = [];
    for (const r of [...rs].sort((a, b) => a.timestamp - b.timestamp)) {
      last = Math.max(last, r.timestamp + delay());
      topicOut.push({ record: r, at: last });
    }
    const delivered = topicOut.length;
    for (const i of repeats) {
      const again = topicOut[i % delivered]!;
      last = Math.max(last, again.at + delay());
      topicOut.push({ record: again.record, at: last });
    }
    out.push(...topicOut);
  }
  return out.sort((a, b) => a.at - b.at);
}

import type { z } from 'zod';
import type { TopicId } from '../../topics/catalog.js';
import type { ProcessorContext } from './context.js';

/** Where a part sits in the flow: sources only write, processors read and write, sinks mostly read. */
export type PartKind = 'source' | 'processor' | 'sink';

/** A state store the part owns (Kafka Streams' named stores): shown by `omnistream topology`. */
export interface StoreSpec {
  /** The key prefix under the namespace's hash tag, `{ns}:<prefix>:…` (Redis), or the schema (Postgres). */
  prefix: string;
  kind: 'redis' | 'postgres';
  holds: string;
}

/** A leased timer (one instance of the part runs each tick). */
export interface TimerSpec {
  name: string;
  /** Human description of the period, e.g. "every second". */
  every: string;
  does: string;
}

/** An HTTP route the part serves on the hub's shared server. */
export interface RouteSpec {
  method: 'GET' | 'POST';
  path: string;
  does: string;
}

/**
 * One registered component of the hub (Benthos' registered component + Kafka Streams' Processor):
 * what it reads and writes, the state it keeps, its timers and routes, the settings it reads from
 * the environment, and how it starts. The pipeline, `omnistream topology`, the AsyncAPI document and
 * the README's architecture table are all derived from these definitions.
 *
 * `inputs` / `outputs` map each topic to what the part does with it (one sentence).
 * `start` receives a context that can only consume the declared inputs and publish the declared
 * outputs, and returns the part's handles (e.g. `expireDue` for tests and operations).
 */
export interface ProcessorDefinition<
  I extends TopicId = TopicId,
  O extends TopicId = TopicId,
  Env extends z.ZodObject = z.ZodObject,
  Opt = unknown,
  H extends object = object,
> {
  name: string;
  /** The `omnistream run --only` part this component belongs to (default: its name). */
  part?: string;
  kind: PartKind;
  /** One line: what it is for. */
  summary: string;
  /** Consumer group without the namespace (default: the name); only for parts with inputs. */
  group?: string;
  inputs: Readonly<Record<I, string>>;
  /**
   * Inputs read by a consumer group of their own, `<group>.<lane>` (ctx.consume({ lane })), so a
   * heavy input never delays a light, urgent one: kafkajs fetches the next records of a group only
   * after every batch of the last fetch was handled. The other inputs stay in the part's group.
   */
  lanes?: Readonly<Record<string, readonly NoInfer<I>[]>>;
  outputs: Readonly<Record<O, string>>;
  stores?: readonly StoreSpec[];
  timers?: readonly TimerSpec[];
  routes?: readonly RouteSpec[];
  /** The environment variables this part reads (validated at start-up, listed in the configuration docs). */
  env?: Env;
  /** Builds the part's options from its validated settings and what the caller gives (tests, the CLI). */
  options(env: z.output<Env>, given: PartInputs): Opt;
  start(ctx: ProcessorContext<I, O>, options: Opt): Promise<H>;
}

/**
 * What the caller of the pipeline may hand every part: objects that do not come from the
 * environment (a shop directory built in a test, carrier simulators' accounts…). Each part picks
 * what it knows by name and checks its type.
 */
export type PartInputs = Readonly<Record<string, unknown>>;

// biome-ignore lint/suspicious/noExplicitAny: a registry holds definitions of every type
export type AnyProcessorDefinition = ProcessorDefinition<any, any, any, any, any>;

/** Declares a part; the type parameters are inferred from the literal. */
export function defineProcessor<
  const I extends TopicId = never,
  const O extends TopicId = never,
  Env extends z.ZodObject = z.ZodObject<Record<never, never>>,
  Opt = unknown,
  H extends object = object,
>(def: ProcessorDefinition<I, O, Env, Opt, H>): ProcessorDefinition<I, O, Env, Opt, H> {
  if (Object.keys(def.inputs).length === 0 && def.group !== undefined) throw new Error(`${def.name}: a consumer group without inputs`);
  for (const [lane, topics] of Object.entries(def.lanes ?? {}))
    for (const t of topics) if (!(t in def.inputs)) throw new Error(`${def.name}: lane ${lane} reads ${t}, which is not among its inputs`);
  return def;
}

export function partOf(def: AnyProcessorDefinition): string {
  return def.part ?? def.name;
}

/** The consumer group (without namespace), or null for a part that reads nothing. */
export function groupOf(def: AnyProcessorDefinition): string | null {
  return Object.keys(def.inputs).length === 0 ? null : (def.group ?? def.name);
}

export function inputsOf(def: AnyProcessorDefinition): TopicId[] {
  return Object.keys(def.inputs) as TopicId[];
}

export function outputsOf(def: AnyProcessorDefinition): TopicId[] {
  return Object.keys(def.outputs) as TopicId[];
}

/** One of the caller's given objects, if it is of the expected class. */
export function given<T>(inputs: PartInputs, name: string, type: abstract new (...args: never[]) => T): T | undefined {
  const value = inputs[name];
  if (value === undefined) return undefined;
  if (!(value instanceof type)) throw new Error(`"${name}" given to the pipeline is not a ${type.name}`);
  return value;
}

/** Every consumer group of a part (without namespace) and the inputs it reads: the part's own, then one per lane. */
export function consumerGroupsOf(def: AnyProcessorDefinition): { group: string; lane: string | null; topics: TopicId[] }[] {
  const group = groupOf(def);
  if (group === null) return [];
  const lanes = Object.entries((def.lanes ?? {}) as Record<string, readonly TopicId[]>);
  const inLane = new Set(lanes.flatMap(([, topics]) => topics));
  const own = inputsOf(def).filter((t) => !inLane.has(t));
  return [
    ...(own.length > 0 ? [{ group, lane: null, topics: own }] : []),
    ...lanes.map(([lane, topics]) => ({ group: `${group}.${lane}`, lane, topics: [...topics] })),
  ];
}

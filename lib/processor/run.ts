import type { z } from 'zod';
import type { TopicId } from '../../topics/catalog.js';
import { createContext } from './context.js';
import type { ProcessorDefinition } from './definition.js';
import type { Runtime } from './runtime.js';

/** A started part: its handles, plus stop() (timers, then consumers, then its own clean-up). */
export type Running<H extends object> = H & {
  readonly name: string;
  /** True once each of its consumers has read everything assigned to it (no consumer: true). */
  caughtUp(): boolean;
  stop(): Promise<void>;
};

/** Starts one part on a runtime with the given options (the pipeline does this for each part; tests call it directly). */
export async function runProcessor<I extends TopicId, O extends TopicId, Opt, H extends object>(
  def: ProcessorDefinition<I, O, z.ZodObject, Opt, H>,
  rt: Runtime,
  options: Opt,
): Promise<Running<H>> {
  const ctx = createContext<I, O>(def, rt);
  let handles: H;
  try {
    handles = await def.start(ctx, options);
  } catch (err) {
    await ctx.stopAll().catch(() => {});
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return Object.assign(handles, {
    name: def.name,
    caughtUp: () => ctx.consumers.every((c) => c.caughtUp()),
    stop: () => (stopped ??= ctx.stopAll()),
  });
}

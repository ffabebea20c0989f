import type { z } from 'zod';
import { type BaseConfig, baseEnv, parseEnv } from '../lib/config.js';
import type { AnyProcessorDefinition } from '../lib/processor/definition.js';
import { COMPONENTS } from './parts.js';

type Component = (typeof COMPONENTS)[number];
// A part without settings adds nothing (its default schema's output would be an index type of never).
type EnvOf<D> = D extends { env?: infer E } ? (E extends z.ZodObject<infer S> ? (keyof S extends never ? object : z.output<E>) : object) : object;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Every setting of the hub: the shared ones, and each component's own (declared beside its code). */
export type Config = BaseConfig & UnionToIntersection<EnvOf<Component>>;

/** The whole environment schema: the shared settings merged with every component's. */
export const envSchema = (COMPONENTS as readonly AnyProcessorDefinition[]).reduce<z.ZodObject>(
  (schema, c) => (c.env ? schema.extend(c.env.shape) : schema),
  baseEnv,
);

/**
 * Every setting from the environment with local-stack defaults. A wrong value stops start-up with
 * a message naming the variable, instead of a failure deep inside a client later.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv(envSchema, env) as Config;
}

export { ConfigError } from '../lib/config.js';

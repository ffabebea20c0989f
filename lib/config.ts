import { z } from 'zod';
import { OmnistreamError } from './errors.js';

/** OMNISTREAM_PG_SCHEMA: the projections' schema (the sink writes it; reconciliation, replay and the query API read it). */
export const pgSchemaSetting = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, 'a plain lower-case SQL identifier')
  .default('omnistream');

/**
 * The settings every process shares (where the stack is, the namespace, logging). Each part adds
 * its own beside its code (`env` in its definition); the app merges them into one schema. A wrong
 * value stops start-up with a message naming the variable, instead of a failure deep inside a client later.
 */
export const baseEnv = z.object({
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .default('127.0.0.1:9092')
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((b) => /^[^:\s]+:\d{1,5}$/.test(b)), 'expected host:port[,host:port…]'),
  SCHEMA_REGISTRY_URL: z.url().default('http://127.0.0.1:8081/apis/ccompat/v7'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'expected redis://host:port')
    .default('redis://127.0.0.1:6379'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected postgres://user@host:port/db')
    .default('postgres://postgres@127.0.0.1:5432/test'),
  /** Prefix for topic names, Redis keys and the consumer groups: lets test runs and tenants share a stack. */
  OMNISTREAM_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9_-]*$/, 'lower-case letters, digits, _ and - only')
    .default(''),
  OMNISTREAM_PG_SCHEMA: pgSchemaSetting,
  /** Port of the hub's HTTP server (webhooks, WMS scans, carrier tracking, health, metrics); 0: any free port. */
  OMNISTREAM_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type BaseConfig = z.output<typeof baseEnv>;

/** A setting is missing or wrong: no retry helps until the configuration is fixed. */
export class ConfigError extends OmnistreamError {
  override name = 'ConfigError';
  constructor(message: string) {
    super('config', message);
  }
}

/** Validates `env` against `schema`; a failure lists every wrong variable by name. */
export function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

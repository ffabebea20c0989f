import { z } from 'zod';
import { divergenceEnvSchema } from '../processors/divergence/config.js';

/**
 * Every setting comes from the environment with local-stack defaults. A wrong value stops start-up
 * with a message naming the variable, instead of a failure deep inside a client later.
 */
const envSchema = z.object({
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092')
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
    .refine((list) => list.every((b) => /^[^:\s]+:\d{1,5}$/.test(b)), 'expected host:port[,host:port…]'),
  SCHEMA_REGISTRY_URL: z.url().default('http://127.0.0.1:8081/apis/ccompat/v7'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'expected redis://host:port').default('redis://127.0.0.1:6379'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'expected postgres://user@host:port/db')
    .default('postgres://postgres@127.0.0.1:5432/test'),
  /** Prefix for topic names, Redis keys and the consumer groups: lets test runs and tenants share a stack. */
  OMNISTREAM_NAMESPACE: z.string().regex(/^[a-z0-9_-]*$/, 'lower-case letters, digits, _ and - only').default(''),
  OMNISTREAM_PG_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a plain lower-case SQL identifier').default('omnistream'),
  OMNISTREAM_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /**
   * Warehouses as CODE or CODE:province ("WH-EAST:浙江,WH-SOUTH:GD"): an order goes to the nearest
   * that can fill it; without locations, to the first in this order.
   */
  OMNISTREAM_WAREHOUSES: z.string().default('WH-EAST')
    .transform((s) => s.split(',').map((w) => w.trim()).filter(Boolean))
    .refine((list) => list.length > 0 && list.every((w) => /^[A-Za-z0-9_-]+(:[^,:]+)?$/u.test(w)), 'comma-separated CODE or CODE:province entries'),
  /** When no single warehouse can fill an order: reject it with the reason (none) or split it by line. */
  OMNISTREAM_SPLIT_RULE: z.enum(['none', 'by-line']).default('none'),
  /** Unpaid locks are released after this many minutes (0: never)… */
  OMNISTREAM_UNPAID_TIMEOUT_MINUTES: z.coerce.number().min(0).default(30),
  /** …or per channel: "pinduoduo=15,taobao=60". */
  OMNISTREAM_UNPAID_TIMEOUT_BY_CHANNEL: z.string().default('')
    .refine((s) => s === '' || s.split(',').every((p) => /^\s*[a-z0-9_-]+\s*=\s*\d+(\.\d+)?\s*$/.test(p)), 'channel=minutes[,channel=minutes…]')
    .transform((s) => new Map(s ? s.split(',').map((p) => { const [c, m] = p.split('='); return [c!.trim(), Number(m)] as const; }) : [])),
  /** The nightly reconciliation pull (cron, in OMNISTREAM_RECONCILE_TIMEZONE); "off" disables it. */
  OMNISTREAM_RECONCILE_CRON: z.string().default('0 2 * * *'),
  OMNISTREAM_RECONCILE_TIMEZONE: z.string().default('Asia/Shanghai'),
  /**
   * The incremental reconciliation: a short pull of the last OMNISTREAM_RECONCILE_INCREMENTAL_LOOKBACK_MINUTES
   * (first run; later runs overlap the previous one by half of it) every few minutes, so a channel
   * whose pushes stop arriving (the seed's 502 incident) is repaired in minutes, not at night. "off" disables it.
   */
  OMNISTREAM_RECONCILE_INCREMENTAL_CRON: z.string().default('*/2 * * * *'),
  OMNISTREAM_RECONCILE_INCREMENTAL_LOOKBACK_MINUTES: z.coerce.number().positive().default(10),
  /** Path of the routing and wave rules document (JSON); default processors/routing/rules.default.json. */
  OMNISTREAM_ROUTING_RULES: z.string().min(1).optional(),
  /** Carrier accounts and endpoints (JSON, see sinks/carriers/directory.ts); default: the local simulators. */
  OMNISTREAM_CARRIERS: z.string().optional(),
  /** E-waybill requests in flight per carrier: its rate limit × its answer time. */
  OMNISTREAM_WAYBILL_CONCURRENCY: z.coerce.number().int().min(1).default(128),
  /** Warehouses' WMS secrets and endpoints (JSON, see connectors/wms/directory.ts); default: development values. */
  OMNISTREAM_WMS: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
}).extend(divergenceEnvSchema.shape);

export type Config = z.output<typeof envSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

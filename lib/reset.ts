import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import type pg from 'pg';

/**
 * Removes everything one namespace owns: its topics, consumer groups, Redis keys and Postgres
 * schema. For demos and tests; refuses the empty (production) namespace.
 */
export async function resetNamespace(admin: Admin, redis: Redis, pool: pg.Pool, namespace: string, schema: string): Promise<void> {
  if (!namespace) throw new Error('refusing to reset the default namespace');
  const existing = new Set(await admin.listTopics());
  // Every topic of the namespace, per-channel command topics included.
  const topics = [...existing].filter((t) => t.startsWith(`${namespace}.`));
  if (topics.length > 0) await admin.deleteTopics({ topics });
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${namespace}.`));
  if (groups.length > 0) await admin.deleteGroups(groups);
  for (let cursor = '0'; ; ) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${namespace}}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    if (next === '0') break;
    cursor = next;
  }
  await pool.query(`drop schema if exists ${schema} cascade`);
}

import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/** A Lua script bound to a connection: called with ARGV only (keys are built inside from a prefix argument). */
export type LuaScript<R = unknown> = (...args: (string | number)[]) => Promise<R>;

/**
 * Loads a script file once per connection as an ioredis command (EVALSHA, falling back to EVAL
 * after a script flush) and returns its caller. The stores' scripts take no KEYS: every key they
 * touch shares the namespace's hash tag, so they stay legal on a cluster.
 */
export function luaScript<R = unknown>(redis: Redis, name: string, file: URL): LuaScript<R> {
  if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 0, lua: readFileSync(file, 'utf8') });
  const command = (redis as unknown as Record<string, (...args: string[]) => Promise<R>>)[name]!;
  return (...args) => command.apply(redis, args.map(String));
}

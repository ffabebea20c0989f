import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A lease held by one instance of a processor: taken with a random token (SET NX PX), released or
 * extended only by its holder. A holder that lost its lease (it expired and another instance took
 * it) learns so from `release()` / `extend()` returning false, instead of freeing the other's.
 */
export interface Lease {
  readonly key: string;
  readonly token: string;
  /** Gives the lease up; false if it was no longer ours. */
  release(): Promise<boolean>;
  /** Keeps it `ms` longer; false if it was no longer ours. */
  extend(ms: number): Promise<boolean>;
}

const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
const EXTEND = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

/** Takes the lease `key` for `ms`, or null when another holder has it. */
export async function acquireLease(redis: Redis, key: string, ms: number): Promise<Lease | null> {
  const token = randomBytes(12).toString('hex');
  if ((await redis.set(key, token, 'PX', ms, 'NX')) !== 'OK') return null;
  return {
    key,
    token,
    release: async () => Number(await redis.eval(RELEASE, 1, key, token)) === 1,
    extend: async (more) => Number(await redis.eval(EXTEND, 1, key, token, String(more))) === 1,
  };
}

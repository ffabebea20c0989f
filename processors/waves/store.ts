import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { WavePlacement } from './classify.js';
import type { WaveMember } from './core.js';

const WAVES_LUA = readFileSync(new URL('./waves.lua', import.meta.url), 'utf8');

/** A shipment is remembered as waved this long: far beyond any redelivery. */
const SEEN_TTL_MS = 30 * 24 * 3600 * 1000;
/** Published waves are kept this long for operations to look at. */
const PUBLISHED_TTL_MS = 7 * 24 * 3600 * 1000;

/** The wave planner's state store, `{ns}:waves:*`, changed only through waves.lua. */
export class RedisWaveStore {
  readonly prefix: string;

  constructor(private readonly redis: Redis, namespace: string) {
    this.prefix = `{${namespace || 'omnistream'}}:waves:`;
    if (!('omnistreamWaves' in redis)) redis.defineCommand('omnistreamWaves', { numberOfKeys: 0, lua: WAVES_LUA });
  }

  private get lua(): WavesCommand {
    return this.redis as unknown as WavesCommand;
  }

  /** Adds placed shipments (one atomic step); returns each one's wave id. */
  async add(items: { member: WaveMember; placement: WavePlacement }[], maxSize: number): Promise<string[]> {
    if (items.length === 0) return [];
    const rows = items.map(({ member, placement: p }) => [member.shipmentId, p.base, p.releaseAt, p.releaseWhenFull, JSON.stringify(member)]);
    return JSON.parse(await this.lua.omnistreamWaves(this.prefix, 'add', String(maxSize), String(SEEN_TTL_MS), JSON.stringify(rows))) as string[];
  }

  /** Moves the waves due at `now` to the outbox; returns how many. */
  async release(now: number, limit = 1000): Promise<number> {
    return Number(await this.lua.omnistreamWaves(this.prefix, 'release', String(now), String(limit)));
  }

  /** Released waves not yet published, oldest first, with their members. */
  async outbox(limit = 100): Promise<{ waveId: string; releasedAt: number; members: WaveMember[] }[]> {
    const flat = await this.redis.zrange(`${this.prefix}out`, 0, limit - 1, 'WITHSCORES');
    const out: { waveId: string; releasedAt: number; members: WaveMember[] }[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const waveId = flat[i]!;
      const members = Object.values(await this.redis.hgetall(`${this.prefix}w:${waveId}`)).map((m) => JSON.parse(m) as WaveMember);
      members.sort((a, b) => (a.shipmentId < b.shipmentId ? -1 : a.shipmentId > b.shipmentId ? 1 : 0));
      out.push({ waveId, releasedAt: Number(flat[i + 1]), members });
    }
    return out;
  }

  /** After a wave's events are durable: out of the outbox, kept a while for operations. */
  async published(waveIds: string[]): Promise<void> {
    if (waveIds.length === 0) return;
    const tx = this.redis.multi().zrem(`${this.prefix}out`, ...waveIds);
    for (const id of waveIds) tx.pexpire(`${this.prefix}w:${id}`, PUBLISHED_TTL_MS);
    await tx.exec();
  }

  /** The wave each shipment is in (null: not placed yet). */
  async wavesOf(shipmentIds: string[]): Promise<(string | null)[]> {
    if (shipmentIds.length === 0) return [];
    return this.redis.mget(...shipmentIds.map((id) => `${this.prefix}s:${id}`));
  }

  /** Waves not released yet, with their due times (tests, operations). */
  async openWaves(): Promise<Map<string, number>> {
    const flat = await this.redis.zrange(`${this.prefix}due`, 0, -1, 'WITHSCORES');
    const out = new Map<string, number>();
    for (let i = 0; i < flat.length; i += 2) out.set(flat[i]!, Number(flat[i + 1]));
    return out;
  }

  /** A lease held by one instance: `ms` long, released early by the returned function. */
  async lease(name: string, ms: number): Promise<(() => Promise<void>) | null> {
    const key = `${this.prefix}lease:${name}`;
    const token = randomBytes(8).toString('hex');
    if ((await this.redis.set(key, token, 'PX', ms, 'NX')) !== 'OK') return null;
    return async () => {
      // Only our own lease: it may have expired and been taken by another instance meanwhile.
      await this.redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, key, token);
    };
  }
}

interface WavesCommand {
  omnistreamWaves(prefix: string, op: string, ...args: string[]): Promise<string>;
}

import type { Redis } from 'ioredis';
import { redisPrefix } from '../../lib/redis-keys.js';
import type { CommandOutcome } from '../../topics/schemas/command-outcome.js';

/** How long a finished command is remembered (redelivery after that executes it again: harmless). */
export const DONE_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Finished commands, each with the outcome records it produced: a redelivered command is not
 * executed again, its records are re-emitted with the same ids instead. Written only after the
 * records are durable in Kafka, so a crash in between re-executes (platforms answer a repeated
 * ship "already shipped", which counts as success).
 */
export class DoneStore {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {}

  private key(commandId: string): string {
    return `${redisPrefix(this.namespace, 'sync')}done:${commandId}`;
  }

  /** The recorded outcomes of those commands that finished, by command id. */
  async finished(commandIds: readonly string[]): Promise<Map<string, CommandOutcome[]>> {
    const out = new Map<string, CommandOutcome[]>();
    if (commandIds.length === 0) return out;
    const values = await this.redis.mget(...commandIds.map((id) => this.key(id)));
    values.forEach((v, i) => {
      if (v !== null) out.set(commandIds[i]!, JSON.parse(v) as CommandOutcome[]);
    });
    return out;
  }

  async markDone(commandId: string, outcomes: readonly CommandOutcome[]): Promise<void> {
    await this.redis.set(this.key(commandId), JSON.stringify(outcomes), 'EX', DONE_TTL_SECONDS);
  }
}

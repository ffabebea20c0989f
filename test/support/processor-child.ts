import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../app/config.js';
import { type Admin, memberAssignmentOf } from '../../lib/kafka.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The environment `omnistream run` reads, from a loaded config (so test/bench and child agree). */
export function childEnv(config: Config, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KAFKA_BROKERS: config.KAFKA_BROKERS.join(','),
    SCHEMA_REGISTRY_URL: config.SCHEMA_REGISTRY_URL,
    REDIS_URL: config.REDIS_URL,
    DATABASE_URL: config.DATABASE_URL,
    OMNISTREAM_NAMESPACE: config.OMNISTREAM_NAMESPACE,
    OMNISTREAM_PG_SCHEMA: config.OMNISTREAM_PG_SCHEMA,
    OMNISTREAM_WAREHOUSES: config.OMNISTREAM_WAREHOUSES.join(','),
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

/**
 * `omnistream run --only <parts>` (default: inventory) as a separate OS process (node --import tsx, no npx wrapper,
 * so a SIGKILL hits the processor itself). Keeps the last lines it printed for error messages.
 */
export class ProcessorChild {
  readonly proc: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private tail: string[] = [];
  private expectExit = false;

  constructor(
    env: NodeJS.ProcessEnv,
    readonly label = 'inventory',
    /** The parts to run (`omnistream run --only`). */
    only: readonly string[] = ['inventory'],
  ) {
    // OMNISTREAM_CHILD_NODE_ARGS: extra node flags for the child, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" (not allowed in NODE_OPTIONS).
    const nodeArgs = (env.OMNISTREAM_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
    this.proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'cli/omnistream.ts', 'run', '--only', only.join(',')], {
      cwd: REPO,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) this.tail.push(line);
      if (this.tail.length > 40) this.tail = this.tail.slice(-40);
    };
    this.proc.stdout!.on('data', keep);
    this.proc.stderr!.on('data', keep);
    this.exited = new Promise((resolve) =>
      this.proc.once('exit', (code, signal) => {
        if (!this.expectExit) process.stderr.write(`[${label} pid ${this.proc.pid}] exited unexpectedly (code ${code}, signal ${signal}):\n${this.output()}\n`);
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  /** `work`, unless this process exits first: then its last output, instead of waiting for a timeout. */
  async guard<T>(work: Promise<T>): Promise<T> {
    const died = this.exited.then(({ code, signal }) => {
      throw new Error(`[${this.label} pid ${this.pid}] exited (code ${code}, signal ${signal}) while the test waited on it:\n${this.output()}`);
    });
    died.catch(() => {}); // once `work` has won, a later exit is no one's error
    return Promise.race([work, died]);
  }

  output(): string {
    return this.tail.join('\n');
  }

  /** SIGKILL: no shutdown hooks, no offset commit, no leave-group. */
  async kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.expectExit = true;
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM (graceful: the CLI disconnects and leaves the group), SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    this.expectExit = true;
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Polls `check` every `everyMs` until it holds; throws, naming `what`, after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Member ids of the group's members that hold partitions. */
export async function assignedMembers(admin: Admin, groupId: string): Promise<string[]> {
  const { groups } = await admin.describeGroups([groupId]);
  return (groups[0]?.members ?? []).filter(holdsPartitions).map((m) => m.memberId);
}

/**
 * Waits until the group is Stable with its partitions held by members other than `gone`. A
 * SIGKILLed consumer sends no leave-group: the coordinator keeps it, partitions and all, until its
 * session times out, and only then completes the rebalance a new member asked for.
 */
export async function waitForTakeover(admin: Admin, groupId: string, gone: readonly string[], timeoutMs: number): Promise<void> {
  let last = '';
  await waitFor(
    `group ${groupId} to be taken over from ${gone.join(', ')}`,
    async () => {
      const { groups } = await admin.describeGroups([groupId]);
      const g = groups[0];
      const holders = (g?.members ?? []).filter(holdsPartitions).map((m) => m.memberId);
      last = `${g?.state}: ${holders.join(', ') || 'no member holding partitions'}`;
      return g?.state === 'Stable' && holders.length > 0 && holders.every((m) => !gone.includes(m));
    },
    timeoutMs,
    200,
  ).catch((err: Error) => {
    throw new Error(`${err.message} (last seen ${last})`);
  });
}

/** Waits until the group is Stable with at least `members` members that hold partitions. */
export async function waitForGroupStable(admin: Admin, groupId: string, members = 1, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { groups } = await admin.describeGroups([groupId]);
    const g = groups[0];
    if (g && g.state === 'Stable' && g.members.filter(holdsPartitions).length >= members) return;
    if (Date.now() > deadline)
      throw new Error(`group ${groupId} not stable with ${members} member(s) after ${timeoutMs} ms (state ${g?.state}, ${g?.members.length ?? 0} members)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Committed offsets of a group on a topic, summed over partitions (records it has finished). */
export async function committedCount(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (t?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

function assignmentOf(m: { memberAssignment: Buffer }): Record<string, number[]> {
  return memberAssignmentOf(m.memberAssignment);
}

function holdsPartitions(m: { memberAssignment: Buffer }): boolean {
  return Object.values(assignmentOf(m)).some((parts) => parts.length > 0);
}

/** The group's current members by client id, with the partitions each holds (per topic, sorted). */
export async function groupAssignments(admin: Admin, groupId: string): Promise<Map<string, Record<string, number[]>>> {
  const { groups } = await admin.describeGroups([groupId]);
  const out = new Map<string, Record<string, number[]>>();
  for (const m of groups[0]?.members ?? []) {
    const a = assignmentOf(m);
    out.set(m.clientId, Object.fromEntries(Object.entries(a).map(([t, ps]) => [t, [...ps].sort((x, y) => x - y)])));
  }
  return out;
}

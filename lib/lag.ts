import type { Admin } from 'kafkajs';

/** Messages a consumer group has not yet committed on the given topics. */
export async function groupLag(admin: Admin, groupId: string, topics: string[]): Promise<number> {
  const committed = await admin.fetchOffsets({ groupId, topics });
  let lag = 0;
  for (const t of committed) {
    const ends = await admin.fetchTopicOffsets(t.topic);
    for (const p of t.partitions) {
      const end = Number(ends.find((e) => e.partition === p.partition)?.high ?? 0);
      const at = Number(p.offset);
      lag += at < 0 ? end - Number(ends.find((e) => e.partition === p.partition)?.low ?? 0) : end - at;
    }
  }
  return lag;
}

/**
 * Waits until every group has committed everything written so far (the pipeline is idle). Groups
 * are given upstream first and checked in that order, twice in a row, so output an upstream group
 * writes while we look is not missed downstream.
 */
export async function waitUntilCaughtUp(admin: Admin, groups: { groupId: string; topics: string[] }[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let idleRounds = 0;
  for (;;) {
    const lags: number[] = [];
    try {
      for (const g of groups) lags.push(await groupLag(admin, g.groupId, g.topics));
    } catch (err) {
      // Right after topics are created a partition may still answer "not the leader": look again.
      const e = err as { retriable?: boolean; cause?: { retriable?: boolean } };
      if (!(e.retriable || e.cause?.retriable) || Date.now() > deadline) throw err;
      idleRounds = 0;
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    idleRounds = lags.every((l) => l === 0) ? idleRounds + 1 : 0;
    if (idleRounds >= 2) return;
    if (Date.now() > deadline)
      throw new Error(`pipeline still behind after ${timeoutMs} ms: lag ${groups.map((g, i) => `${g.groupId}=${lags[i]}`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

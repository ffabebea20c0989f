import { describe, expect, it } from 'vitest';
import type { Message } from './kafka.js';
import { requestsOf } from './publish.js';

const msg = (bytes: number): Message => ({ key: null, value: Buffer.alloc(bytes) });

describe('produce requests', () => {
  it('stay under the size the broker accepts, in order, each message once', () => {
    const input = [
      { topic: 'a', messages: Array.from({ length: 300 }, () => msg(4096)) },
      { topic: 'b', messages: Array.from({ length: 10 }, () => msg(100)) },
    ];
    const requests = requestsOf(input);
    expect(requests.length).toBeGreaterThan(1);
    for (const r of requests) expect(r.flatMap((t) => t.messages).reduce((n, m) => n + (m.value as Buffer).length, 0)).toBeLessThanOrEqual(512 * 1024);
    const flat = requests.flatMap((r) => r.flatMap((t) => t.messages.map((m) => [t.topic, m])));
    expect(flat.map(([t]) => t)).toEqual([...Array(300).fill('a'), ...Array(10).fill('b')]);
    expect(new Set(flat.map(([, m]) => m)).size).toBe(310);
  });

  it('a small output is one request; a single oversized message goes alone', () => {
    expect(requestsOf([{ topic: 'a', messages: [msg(10), msg(10)] }])).toHaveLength(1);
    expect(requestsOf([{ topic: 'a', messages: [msg(10), msg(600 * 1024), msg(10)] }]).map((r) => r[0]!.messages.length)).toEqual([1, 1, 1]);
  });
});

import { randomBytes } from 'node:crypto';
import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { PushSigner, planLoad } from './plan.js';
import { counterDelta, formatCounts, runPushes } from './run.js';
import { GatewayClient, scrapePushCounters } from './send.js';
import { freshShops, readShopsFile, WEBHOOK_CHANNELS, writeShopsFile } from './shops.js';

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
};
const nonNegative = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
};
const fraction = (v: string) => {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a fraction between 0 and 1');
  return n;
};
const channelList = (v: string) => {
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = list.filter((c) => !WEBHOOK_CHANNELS.includes(c));
  if (list.length === 0 || unknown.length)
    throw new InvalidArgumentError(`webhook channels are ${WEBHOOK_CHANNELS.join(', ')}${unknown.length ? `; not ${unknown.join(', ')}` : ''}`);
  return list;
};

export interface LoadgenCliOptions {
  url: string;
  shops?: string;
  orders: number;
  rate: number;
  channels?: string[];
  duplicates: number;
  reorder: number;
  cancel: number;
  concurrency: number;
  seed?: string;
  retries: number;
  progress: boolean;
}

/**
 * `loadgen`: realistic signed pushes from every webhook channel's simulator, through the real
 * webhook endpoints of a running gateway, paced by a token bucket; `loadgen shops`: a shops file
 * with fresh secrets that the gateway (OMNISTREAM_SHOPS_FILE) and the generator both read.
 */
export function registerLoadgenCommand(program: Command): Command {
  const loadgen = program
    .command('loadgen')
    .description('send signed webhook pushes from the channel simulators to a running gateway and summarize the answers')
    .option('--url <gateway>', 'base URL of the webhook gateway', 'http://127.0.0.1:8080')
    .option('--shops <file>', 'shops file shared with the gateway (default: $OMNISTREAM_SHOPS_FILE)')
    .option('--orders <n>', 'orders to simulate', positiveInt, 1000)
    .option('--rate <r>', 'pushes per second (token bucket); 0: as fast as the concurrency allows', nonNegative, 200)
    .option(
      '--channels <list>',
      `comma-separated webhook channels (default: every channel with a shop in the file; known: ${WEBHOOK_CHANNELS.join(',')})`,
      channelList,
    )
    .option('--duplicates <f>', 'fraction of pushes delivered again later', fraction, 0.1)
    .option('--reorder <f>', 'fraction of orders whose later status arrives first', fraction, 0.05)
    .option('--cancel <f>', 'fraction of orders cancelled', fraction, 0.1)
    .option('--concurrency <c>', 'requests in flight', positiveInt, 16)
    .option('--seed <s>', 'seed of the load (default: random, printed)')
    .option('--retries <n>', 'retries of a push answered 503, as a platform would', (v) => Math.floor(nonNegative(v)), 3)
    .option('--no-progress', 'no progress bar')
    .action(async (opts: LoadgenCliOptions) => {
      const code = await runLoadgen(opts);
      if (code !== 0) process.exitCode = code;
    });

  loadgen
    .command('shops')
    .description('write a shops file with fresh random secrets for every webhook channel')
    .requiredOption('--out <file>', 'where to write the JSON array (mode 0600)')
    .option('--per-channel <n>', 'shops per channel', positiveInt, 2)
    .option('--channels <list>', 'comma-separated webhook channels (default: all)', channelList)
    .option('--push-base <url>', 'public base URL of the gateway (Meituan signs the registered callback URL)', 'https://omnistream.example')
    .action((opts: { out: string; perChannel: number; channels?: string[]; pushBase: string }) => {
      const shops = freshShops(opts.channels ?? WEBHOOK_CHANNELS, opts.perChannel, opts.pushBase.replace(/\/+$/, ''));
      writeShopsFile(opts.out, shops);
      process.stdout.write(
        `wrote ${shops.length} shops (${[...new Set(shops.map((s) => s.channel))].join(', ')}) to ${opts.out}\n` +
          `run the gateway with OMNISTREAM_SHOPS_FILE=${opts.out}, then: loadgen --shops ${opts.out}\n`,
      );
    });
  return loadgen;
}

export async function runLoadgen(opts: LoadgenCliOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const file = opts.shops ?? process.env.OMNISTREAM_SHOPS_FILE;
  if (!file) throw new Error('loadgen: no shops file: pass --shops <file> (or set OMNISTREAM_SHOPS_FILE); "loadgen shops --out <file>" writes one');
  const shops = readShopsFile(file);
  const channels = opts.channels ?? WEBHOOK_CHANNELS.filter((c) => shops.some((s) => s.channel === c));
  const seed = opts.seed ?? randomBytes(4).toString('hex');
  const client = new GatewayClient(opts.url, opts.concurrency);
  try {
    const health = await client.request('GET', '/healthz');
    if (health.status !== 200) throw new Error(`loadgen: ${opts.url}/healthz answered ${health.status || health.text}; is the gateway running?`);

    const steps = planLoad({
      orders: opts.orders,
      channels,
      shops,
      seed,
      duplicates: opts.duplicates,
      reorder: opts.reorder,
      cancel: opts.cancel,
      duplicateGap: Math.max(256, opts.concurrency * 8),
    });
    const signer = new PushSigner(shops, seed);
    out.write(
      `loadgen: ${opts.orders} orders → ${steps.length} pushes (${steps.filter((s) => s.duplicate).length} duplicates, ${steps.filter((s) => s.reordered).length} reordered) ` +
        `over ${channels.join(', ')}; seed ${seed}; ${opts.rate > 0 ? `${opts.rate}/s` : 'unpaced'}, ${opts.concurrency} in flight → ${opts.url}\n`,
    );

    const before = await scrapePushCounters(client);
    const bar = opts.progress
      ? new cliProgress.SingleBar(
          { format: ' {bar} {percentage}% | {value}/{total} pushes | {speed}/s | non-2xx {bad}', stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
    bar?.start(steps.length, 0, { speed: '0', bad: 0 });
    let bad = 0;
    const t0 = performance.now();
    const result = await runPushes({
      client,
      items: steps,
      toPush: (step) => signer.sign(step),
      concurrency: opts.concurrency,
      rate: opts.rate,
      retries503: opts.retries,
      onAnswer: (done, answer) => {
        if (answer.status < 200 || answer.status >= 300) bad++;
        if (bar && (done % 25 === 0 || done === steps.length)) bar.update(done, { speed: (done / ((performance.now() - t0) / 1000)).toFixed(0), bad });
      },
    });
    bar?.stop();
    const after = await scrapePushCounters(client);
    const gatewayCounted = counterDelta(before, after);

    const lines = [
      '',
      '=== loadgen summary ===',
      `pushes:          ${result.pushes} (${result.requests} requests, ${result.retries} retries after 503)`,
      `answers:         ${formatCounts(result.byAnswer)}`,
      '                 ("acked": the channel\'s own ack body, which does not say accepted or duplicate)',
      `rate achieved:   ${(result.pushes / result.seconds).toFixed(1)} pushes/s over ${result.seconds.toFixed(2)} s${opts.rate > 0 ? ` (target ${opts.rate}/s)` : ''}`,
      `ack latency:     p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${(result.latencies.at(-1) ?? Number.NaN).toFixed(1)} ms`,
      gatewayCounted
        ? `gateway counted: ${formatCounts(gatewayCounted)}  (its /metrics, everything it received meanwhile)`
        : 'gateway counted: (no /metrics answer)',
      `unexpected:      ${result.unexpectedCount}${result.unexpectedCount ? ' (valid pushes not acknowledged, or a first delivery taken for a duplicate)' : ''}`,
      ...result.unexpected
        .slice(0, 5)
        .map((u) => `  #${u.push.seq} ${u.push.channel} ${u.push.stage} (expected ${u.push.expect}): ${u.status} ${u.outcome} ${u.reason ?? ''}`),
      `seed:            ${seed}`,
    ];
    out.write(`${lines.join('\n')}\n`);
    return result.unexpectedCount > 0 ? 1 : 0;
  } finally {
    client.close();
  }
}

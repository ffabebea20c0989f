import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../app/pipeline.js';
import { ingestOffline, type OfflineVerdict } from '../cli/loadgen/offline.js';
import { buildLoad, type Push } from '../cli/loadgen/plan.js';
import { classify, GatewayClient } from '../cli/loadgen/send.js';
import { freshShops, WEBHOOK_CHANNELS } from '../cli/loadgen/shops.js';
import type { ShopConfig } from '../connectors/contract.js';
import { signDouyinPush } from '../connectors/douyin/signature.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { decryptPush } from '../connectors/kuaishou/signature.js';
import { pushFields } from '../connectors/meituan/form.js';
import { CONNECTORS } from '../connectors/registry.js';
import { HMAC_HEADER, signShopifyBody } from '../connectors/shopify/signature.js';
import { openEnvelope, sha1Sorted } from '../connectors/wechat/signature.js';
import { signYouzanBody } from '../connectors/youzan/signature.js';
import { kuaishouPush } from '../simulators/kuaishou/index.js';
import { meituanPush } from '../simulators/meituan/index.js';
import { wechatPush } from '../simulators/wechat/index.js';
import { formUrlEncode } from '../simulators/youzan/index.js';
import { createTestContext, type TestContext } from './support/context.js';
import { readTopic } from './support/read-topic.js';

/**
 * Thousands of malformed requests at the real gateway (HTTP, real Kafka), for every webhook
 * connector: random bytes, truncated JSON, wrong types and money formats, missing and forged
 * signatures, huge bodies, deep nesting, unicode garbage, valid signatures (or encryption) over
 * garbage, garbage ciphertext. The gateway must never answer 5xx, must give every 4xx a reason,
 * must answer 2xx only to what the connector really accepts (or dead-letters with a reason), and
 * must still be serving afterwards. Generation is seeded (fast-check), so a failure reproduces.
 */
const SEED = 20_251_111;
const PER_CHANNEL_MUTATIONS = 130;

interface Case {
  channel: string;
  shopId: string;
  kind: string;
  path: string;
  headers: Record<string, string>;
  body: string | Buffer;
  /** The status this kind must get whatever the oracle says (e.g. 401 for a forged signature), or a class. */
  must?: number | '4xx';
}

const sample = <T>(arb: fc.Arbitrary<T>, n: number, salt: number) => fc.sample(arb, { seed: SEED + salt, numRuns: n });

/** Values that break money, ids, times and types. */
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    -0.01,
    1e308,
    2 ** 53 + 1,
    '',
    ' ',
    '12.345',
    '1e3',
    '-0.01',
    '１２.００',
    '¥12.00',
    '12,00',
    '0x1F',
    'NaN',
    'Infinity',
    '9'.repeat(40),
    '00012',
    '12.',
    '.5',
    '+5',
    '\u0000',
    '\ud800',
    '\u202e12.00',
    '٣٤.٥',
    [],
    {},
    [1, 2],
    { amount: '1.00' },
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.jsonValue({ maxDepth: 2 }),
  fc.integer(),
  fc.double(),
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value inside `v` (objects and arrays included). */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (prefix.length > 0) out.push(prefix);
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      paths(x, [...prefix, i], out);
    });
  } else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

/** A copy of `root` with the value at `path` replaced (or deleted when `value` is undefined). */
function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

/** Per channel: a valid push, how to see its payload as a structure, how to re-sign a changed one. */
interface Fixture {
  shop: ShopConfig;
  valid: Push[];
  /** The payload of a push as a structure, with JSON embedded in strings opened up. */
  inner(p: Push): Json;
  /** A request with a valid signature (or encryption) around the structure. */
  wrap(inner: Json, base: Push): { path: string; headers: Record<string, string>; body: string };
  /** A request with a valid signature (or encryption) around arbitrary text; undefined where the platform signs fields, not bytes. */
  signText?(text: string, base: Push): { path: string; headers: Record<string, string>; body: string };
  /** The request with its signature removed. */
  unsigned(base: Push): { path: string; headers: Record<string, string>; body: string };
  /** The request with a wrong signature. */
  forged(base: Push, salt: number): { path: string; headers: Record<string, string>; body: string };
}

const withHeader = (h: Record<string, string>, name: string, value: string | undefined) => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() !== name.toLowerCase()) out[k] = v;
  if (value !== undefined) out[name] = value;
  return out;
};
const withQuery = (path: string, name: string, value: string | undefined) => {
  const url = new URL(path, 'http://x');
  if (value === undefined) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  return `${url.pathname}${url.search}`;
};
const hex = (n: number, salt: number) =>
  sample(fc.uint8Array({ minLength: n, maxLength: n }), 1, salt)[0]!.reduce((s, b) => s + b.toString(16).padStart(2, '0'), '');
const parseMaybe = (s: unknown): Json => {
  if (typeof s !== 'string') return s as Json;
  try {
    return JSON.parse(s) as Json;
  } catch {
    return s;
  }
};
const stringifyIfObject = (v: Json) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v);

function fixtures(shops: ShopConfig[], valid: Push[]): Record<string, Fixture> {
  const shopOf = (channel: string) => shops.find((s) => s.channel === channel)!;
  const validOf = (channel: string) => valid.filter((p) => p.channel === channel);
  const plain = (p: Push) => ({ path: p.path, headers: p.headers, body: p.body });
  const shopify = shopOf('shopify');
  const douyin = shopOf('douyin');
  const youzan = shopOf('youzan');
  const kuaishou = shopOf('kuaishou');
  const wechat = shopOf('wechat');
  const meituan = shopOf('meituan');
  const wechatSecrets = (s: ShopConfig) => ({
    token: s.secret,
    encodingAESKey: s.credentials!.encodingAESKey!,
    appId: s.credentials!.appId!,
    userName: s.credentials!.userName,
  });
  const nowSecs = () => Math.floor(Date.now() / 1000);
  const wechatWrap = (text: string, base: Push, secrets = wechatSecrets(wechat)) => {
    const w = wechatPush(text, secrets, { timestamp: nowSecs(), nonce: '42' });
    return { path: `${new URL(base.path, 'http://x').pathname}?${new URLSearchParams(w.query)}`, headers: w.headers, body: w.body };
  };
  const meituanSigning = (s: ShopConfig) => ({ appId: s.credentials!.appId!, secret: s.secret, pushUrl: s.credentials!.pushUrl!, timestamp: nowSecs() });
  const meituanWrap = (fields: Json, base: Push, s = meituan) => {
    const obj: Record<string, string> = {};
    if (fields !== null && typeof fields === 'object' && !Array.isArray(fields)) {
      // Form encoding cannot carry lone surrogates (encodeURIComponent throws): made well-formed; raw bytes are covered by random-bytes.
      const wf = (t: string) => (t as string & { toWellFormed(): string }).toWellFormed();
      for (const [k, v] of Object.entries(fields)) obj[wf(k)] = wf(typeof v === 'string' ? v : (JSON.stringify(v) ?? 'null'));
    }
    const w = meituanPush(obj as never, meituanSigning(s));
    return { path: `${new URL(base.path, 'http://x').pathname}?${new URLSearchParams(w.query)}`, headers: w.headers, body: w.body };
  };

  return {
    shopify: {
      shop: shopify,
      valid: validOf('shopify'),
      inner: (p) => JSON.parse(p.body) as Json,
      wrap: (inner, base) => ({
        path: base.path,
        headers: withHeader(base.headers, HMAC_HEADER, signShopifyBody(JSON.stringify(inner), shopify.secret)),
        body: JSON.stringify(inner),
      }),
      signText: (text, base) => ({ path: base.path, headers: withHeader(base.headers, HMAC_HEADER, signShopifyBody(text, shopify.secret)), body: text }),
      unsigned: (base) => ({ ...plain(base), headers: withHeader(base.headers, HMAC_HEADER, undefined) }),
      forged: (base, salt) => ({
        ...plain(base),
        headers: withHeader(
          base.headers,
          HMAC_HEADER,
          salt % 2 ? signShopifyBody(base.body, 'not-the-secret') : Buffer.from(hex(32, salt), 'hex').toString('base64'),
        ),
      }),
    },
    douyin: {
      shop: douyin,
      valid: validOf('douyin'),
      inner: (p) => (JSON.parse(p.body) as { data: string }[]).map((e) => ({ ...e, data: parseMaybe(e.data) })) as Json,
      wrap: (inner, base) => {
        const events = Array.isArray(inner)
          ? inner.map((e) => (e !== null && typeof e === 'object' && !Array.isArray(e) ? { ...e, data: stringifyIfObject(e.data ?? null) } : e))
          : inner;
        const body = JSON.stringify(events);
        return { path: base.path, headers: withHeader(base.headers, 'event-sign', signDouyinPush(body, douyin.credentials!.appKey!, douyin.secret)), body };
      },
      signText: (text, base) => ({
        path: base.path,
        headers: withHeader(base.headers, 'event-sign', signDouyinPush(text, douyin.credentials!.appKey!, douyin.secret)),
        body: text,
      }),
      unsigned: (base) => ({ ...plain(base), headers: withHeader(base.headers, 'event-sign', undefined) }),
      forged: (base, salt) => ({
        ...plain(base),
        headers:
          salt % 3 === 0
            ? withHeader(base.headers, 'app-id', '1234567890')
            : withHeader(base.headers, 'event-sign', salt % 2 ? signDouyinPush(base.body, douyin.credentials!.appKey!, 'wrong') : hex(16, salt)),
      }),
    },
    youzan: {
      shop: youzan,
      valid: validOf('youzan'),
      inner: (p) => {
        const env = JSON.parse(p.body) as { msg: string };
        return { ...env, msg: parseMaybe(decodeURIComponent(env.msg.replace(/\+/g, '%20'))) } as Json;
      },
      wrap: (inner, base) => {
        const env =
          inner !== null && typeof inner === 'object' && !Array.isArray(inner)
            ? { ...inner, msg: typeof inner.msg === 'object' && inner.msg !== null ? formUrlEncode(JSON.stringify(inner.msg)) : (inner.msg ?? null) }
            : inner;
        const body = JSON.stringify(env);
        return { path: base.path, headers: withHeader(base.headers, 'Event-Sign', signYouzanBody(body, youzan.credentials!.clientId!, youzan.secret)), body };
      },
      signText: (text, base) => ({
        path: base.path,
        headers: withHeader(base.headers, 'Event-Sign', signYouzanBody(text, youzan.credentials!.clientId!, youzan.secret)),
        body: text,
      }),
      unsigned: (base) => ({ ...plain(base), headers: withHeader(base.headers, 'Event-Sign', undefined) }),
      forged: (base, salt) => ({
        ...plain(base),
        headers: withHeader(base.headers, 'Event-Sign', salt % 2 ? signYouzanBody(base.body, youzan.credentials!.clientId!, 'wrong') : hex(16, salt)),
      }),
    },
    kuaishou: {
      shop: kuaishou,
      valid: validOf('kuaishou'),
      inner: (p) => {
        const text = decryptPush({ headers: {}, rawBody: Buffer.from(p.body), receivedAt: 0 }, kuaishou);
        if (!text.ok) throw new Error(text.reason);
        const m = JSON.parse(text.value) as { info: string };
        return { ...m, info: parseMaybe(m.info) } as Json;
      },
      wrap: (inner, base) => {
        const m = inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? { ...inner, info: stringifyIfObject(inner.info ?? null) } : inner;
        return { path: base.path, ...kuaishouPush(JSON.stringify(m), kuaishou.secret) };
      },
      signText: (text, base) => ({ path: base.path, ...kuaishouPush(text, kuaishou.secret) }),
      // Kuaishou's "signature" is the encryption: unsigned = the plaintext JSON as the body.
      unsigned: (base) => {
        const text = decryptPush({ headers: {}, rawBody: Buffer.from(base.body), receivedAt: 0 }, kuaishou);
        return { ...plain(base), body: text.ok ? text.value : '{}' };
      },
      forged: (base, salt) => {
        const text = decryptPush({ headers: {}, rawBody: Buffer.from(base.body), receivedAt: 0 }, kuaishou);
        return { path: base.path, ...kuaishouPush(text.ok ? text.value : '{}', Buffer.from(hex(16, salt), 'hex').toString('base64')) };
      },
    },
    wechat: {
      shop: wechat,
      valid: validOf('wechat'),
      inner: (p) => {
        const opened = openEnvelope((JSON.parse(p.body) as { Encrypt: string }).Encrypt, wechat);
        if (!opened.ok) throw new Error(opened.reason);
        return JSON.parse(opened.value) as Json;
      },
      wrap: (inner, base) => wechatWrap(JSON.stringify(inner), base),
      signText: (text, base) => wechatWrap(text, base),
      unsigned: (base) => ({ ...plain(base), path: withQuery(withQuery(base.path, 'msg_signature', undefined), 'signature', undefined) }),
      forged: (base, salt) =>
        salt % 2
          ? { ...plain(base), path: withQuery(base.path, 'msg_signature', hex(20, salt)) }
          : wechatWrap('{"Event":"channels_ec_order_new"}', base, { ...wechatSecrets(wechat), token: 'attacker-token' }),
    },
    meituan: {
      shop: meituan,
      valid: validOf('meituan'),
      inner: (p) => {
        const url = new URL(p.path, 'http://x');
        const fields = pushFields({ headers: {}, query: Object.fromEntries(url.searchParams), rawBody: Buffer.from(p.body), receivedAt: 0 });
        if (!fields.ok) throw new Error(fields.reason);
        const { sig: _s, app_id: _a, timestamp: _t, ...rest } = fields.value;
        return { ...rest } as Json;
      },
      wrap: (inner, base) => meituanWrap(inner, base),
      unsigned: (base) => ({ ...plain(base), path: withQuery(base.path, 'sig', undefined) }),
      forged: (base, salt) =>
        salt % 2
          ? { ...plain(base), path: withQuery(base.path, 'sig', hex(16, salt)) }
          : { ...plain(base), path: withQuery(base.path, 'timestamp', String(Math.floor(Date.now() / 1000) - 3600)) },
    },
  };
}

/** Every malformed (and a few valid) request for one channel. */
function casesFor(channel: string, fx: Fixture, salt: number): Case[] {
  const cases: Case[] = [];
  const add = (kind: string, r: { path: string; headers: Record<string, string>; body: string | Buffer }, must?: Case['must']) =>
    cases.push({ channel, shopId: fx.shop.shopId, kind, ...r, must });
  const base = (i: number) => fx.valid[i % fx.valid.length]!;

  // Controls: valid pushes must be acknowledged.
  for (const p of fx.valid.slice(0, 6)) add('valid', { path: p.path, headers: p.headers, body: p.body }, 200);
  // Content types the platform might send on a valid body: ignored (signatures cover bytes).
  ['text/plain', 'application/octet-stream', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x'].forEach((ct, i) => {
    add('content-type', { path: base(i).path, headers: withHeader(base(i).headers, 'content-type', ct), body: base(i).body }, 200);
  });

  // Random bytes with the channel's headers (and query): nothing verifies.
  sample(fc.uint8Array({ maxLength: 2048 }), 40, salt + 1).forEach((bytes, i) => {
    add('random-bytes', { path: base(i).path, headers: base(i).headers, body: Buffer.from(bytes) }, 401);
  });
  // Truncated JSON under the original signature: the signature no longer matches.
  sample(fc.double({ min: 0, max: 0.999, noNaN: true }), 30, salt + 2).forEach((f, i) => {
    const p = base(i);
    add('truncated-orig-sig', { path: p.path, headers: p.headers, body: p.body.slice(0, Math.floor(p.body.length * f)) }, channel === 'meituan' ? '4xx' : 401);
  });
  // Missing and forged signatures.
  for (let i = 0; i < 15; i++) add('missing-signature', fx.unsigned(base(i)), '4xx');
  for (let i = 0; i < 25; i++) add('forged-signature', fx.forged(base(i), salt + i), 401);

  // Structured mutations (wrong types, wrong money formats, unicode garbage, deletions), validly re-signed.
  const plan = fc.array(fc.record({ pick: fc.nat(), value: fc.option(nasty, { freq: 5, nil: undefined }) }), { minLength: 1, maxLength: 3 });
  sample(plan, PER_CHANNEL_MUTATIONS, salt + 3).forEach((muts, i) => {
    const p = base(i);
    let inner = fx.inner(p);
    for (const m of muts) {
      const all = paths(inner);
      if (all.length === 0) break;
      inner = setAt(inner, all[m.pick % all.length]!, m.value) as Json;
    }
    add('mutated-signed', fx.wrap(inner, p));
  });
  // Money-shaped fields only: every key that looks like an amount gets a wrong format.
  const moneyKey = /price|amount|fee|total|payment|pay_amount|sale_price|box_price/i;
  const badMoney = ['12.345', '1e3', '-1.00', '１２.００', '¥12', '12,00', 'NaN', '', '0x10', '99999999999999999999.99', 12.5, -3, null];
  for (let i = 0; i < 26; i++) {
    const p = base(i);
    const inner = fx.inner(p);
    const targets = paths(inner).filter((path) => moneyKey.test(String(path.at(-1))));
    if (targets.length === 0) break;
    add('money-format', fx.wrap(setAt(inner, targets[i % targets.length]!, badMoney[i % badMoney.length]) as Json, p));
  }

  // Valid signature (or encryption) over garbage: it reaches the decoder and parser.
  if (fx.signText) {
    const garbage = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
      fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => `{"a":"${s}`),
    );
    sample(garbage, 50, salt + 4).forEach((text, i) => {
      add('signed-garbage', fx.signText!(text, base(i)));
    });
    sample(fc.double({ min: 0, max: 0.999, noNaN: true }), 20, salt + 5).forEach((f, i) => {
      const p = base(i);
      const text = JSON.stringify(fx.inner(p));
      add('truncated-signed', fx.signText!(text.slice(0, Math.floor(text.length * f)), p));
    });
    [100, 1_000, 10_000, 100_000].forEach((depth, i) => {
      add('deep-array', fx.signText!(`${'['.repeat(depth)}${']'.repeat(depth)}`, base(i)));
      add('deep-object', fx.signText!(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, base(i)));
    });
  } else {
    // Meituan signs form fields: random fields, validly signed.
    const fields = fc.dictionary(fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 60 }), { maxKeys: 12 });
    sample(fields, 70, salt + 4).forEach((f, i) => {
      add('signed-garbage-fields', fx.wrap(f as Json, base(i)));
    });
    [100, 10_000].forEach((depth, i) => {
      add('deep-field', fx.wrap({ ...(fx.inner(base(i)) as Record<string, Json>), detail: `${'['.repeat(depth)}${']'.repeat(depth)}` }, base(i)));
    });
  }

  // Encrypted channels: garbage ciphertext.
  if (channel === 'kuaishou') {
    sample(fc.uint8Array({ minLength: 1, maxLength: 512 }), 15, salt + 6).forEach((b, i) => {
      add('garbage-ciphertext', { path: base(i).path, headers: base(i).headers, body: Buffer.from(b).toString('base64') }, 401);
    });
    sample(fc.integer({ min: 1, max: 32 }), 10, salt + 7).forEach((blocks, i) => {
      add(
        'garbage-ciphertext-blocks',
        { path: base(i).path, headers: base(i).headers, body: Buffer.from(hex(16 * blocks, salt + i), 'hex').toString('base64') },
        401,
      );
    });
  }
  if (channel === 'wechat') {
    const token = fx.shop.secret;
    sample(fc.uint8Array({ minLength: 1, maxLength: 512 }), 25, salt + 6).forEach((b, i) => {
      const encrypt = Buffer.from(b).toString('base64');
      const ts = String(Math.floor(Date.now() / 1000));
      const q = new URLSearchParams({
        signature: sha1Sorted([token, ts, '7']),
        timestamp: ts,
        nonce: '7',
        encrypt_type: 'aes',
        msg_signature: sha1Sorted([token, ts, '7', encrypt]),
      });
      // msg_signature is right, so only decryption can refuse it.
      add(
        'garbage-ciphertext',
        {
          path: `${new URL(base(i).path, 'http://x').pathname}?${q}`,
          headers: base(i).headers,
          body: JSON.stringify({ ToUserName: fx.shop.credentials?.userName, Encrypt: encrypt }),
        },
        401,
      );
    });
  }

  // Huge bodies: over the 1 MiB limit → 413, before any parsing.
  const huge = Buffer.alloc(1024 * 1024 + 1 + (salt % 7), 0x61);
  add('huge', { path: base(0).path, headers: base(0).headers, body: huge }, 413);
  add('huge-json', { path: base(1).path, headers: base(1).headers, body: `{"x":"${'9'.repeat(1_200_000)}"}` }, 413);
  if (fx.signText) add('huge-signed', fx.signText(`[${'1,'.repeat(600_000)}1]`, base(2)), 413);

  // Unknown shop and channel.
  add('unknown-shop', { path: `/webhooks/${channel}/no-such-shop`, headers: base(0).headers, body: base(0).body }, 404);
  add('unknown-channel', { path: `/webhooks/${channel}x/${fx.shop.shopId}`, headers: base(0).headers, body: base(0).body }, 404);
  return cases;
}

/** The status the gateway owes a request, from the connector itself (verify → decode → parse → normalize). */
function owed(v: OfflineVerdict): { cls: '2xx' | '4xx'; status: number; deadLetters: number } {
  if (v.stage === 'verify') return { cls: '4xx', status: 401, deadLetters: 0 };
  if (v.stage !== 'normalized') return { cls: '4xx', status: 400, deadLetters: 0 };
  return { cls: '2xx', status: v.events.length > 0 ? 200 : 202, deadLetters: v.deadLetters.length };
}

describe('gateway fuzz: every webhook connector, malformed input', () => {
  let ctx: TestContext;
  let pipeline: Pipeline;
  let client: GatewayClient;
  let shops: ShopConfig[];

  beforeAll(async () => {
    ctx = await createTestContext('fuzz');
    shops = freshShops(WEBHOOK_CHANNELS, 1);
    pipeline = await startPipeline({ ...ctx.config, OMNISTREAM_HTTP_PORT: 0 }, ctx.log, {
      shops: new ShopDirectory(shops),
      parts: { gateway: true, inventory: false, sink: false },
    });
    client = new GatewayClient(pipeline.url, 16);
  });
  afterAll(async () => {
    client?.close();
    await pipeline?.stop();
    await ctx?.close();
  });

  it('never answers 5xx, explains every 4xx, acknowledges only what the connector accepts, and keeps serving', async () => {
    const webhook = Object.values(CONNECTORS)
      .filter((c) => c.transport === 'webhook')
      .map((c) => c.channel)
      .sort();
    expect(webhook).toEqual([...WEBHOOK_CHANNELS]);
    const valid = buildLoad({ orders: 60, channels: WEBHOOK_CHANNELS, shops, seed: SEED, duplicates: 0, reorder: 0, cancel: 0.3 });
    const fx = fixtures(shops, valid);
    const cases = WEBHOOK_CHANNELS.flatMap((channel, i) => casesFor(channel, fx[channel]!, i * 1000));
    expect(cases.length).toBeGreaterThanOrEqual(2000);

    const problems: string[] = [];
    const statuses = new Map<string, number>();
    let expectedDeadLetters = 0;
    // The oracle first: what the connector itself makes of each request. Requests it would accept
    // are sent one at a time: two deliveries of the same event in flight at once are answered 503
    // by design ("being stored by another delivery"), and this test allows no 5xx at all.
    const planned = cases.map((c, i) => ({
      c,
      i,
      verdict:
        c.must === 413 || c.must === 404
          ? undefined
          : ingestOffline({ channel: c.channel, shopId: c.shopId, path: c.path, headers: c.headers, body: c.body }, shops),
    }));
    const acceptable = planned.filter((p) => p.verdict?.stage === 'normalized');
    const refused = planned.filter((p) => p.verdict?.stage !== 'normalized');
    expect(acceptable.length).toBeGreaterThan(WEBHOOK_CHANNELS.length * 10);

    const check = async ({ c, i, verdict }: (typeof planned)[number]) => {
      const res = await client.request('POST', c.path, c.headers, c.body);
      const answer = classify(res.status, res.text);
      statuses.set(`${c.channel} ${c.kind} ${res.status}`, (statuses.get(`${c.channel} ${c.kind} ${res.status}`) ?? 0) + 1);
      const where = `${c.channel} ${c.kind} #${i}`;
      if (res.status === 0 || res.status >= 500) {
        problems.push(`${where}: ${res.status} ${res.text.slice(0, 160)}`);
        return;
      }
      if (res.status >= 400) {
        let error: unknown;
        try {
          error = (JSON.parse(res.text) as { error?: unknown }).error;
        } catch {
          error = undefined;
        }
        if (typeof error !== 'string' || error.trim() === '') problems.push(`${where}: ${res.status} without a reason: ${res.text.slice(0, 120)}`);
      }
      if (c.must !== undefined) {
        const fits = c.must === '4xx' ? res.status >= 400 && res.status < 500 : res.status === c.must;
        if (!fits) problems.push(`${where}: expected ${c.must}, got ${res.status} ${answer.outcome} ${answer.reason ?? ''}`);
      }
      if (!verdict) return;
      // Everything the route handled: the gateway's answer must be what the connector deserves.
      const due = owed(verdict);
      if (res.status !== due.status) {
        problems.push(
          `${where}: gateway ${res.status} ${answer.outcome}, connector says ${due.status} (${verdict.stage}${'reason' in verdict ? `: ${verdict.reason.slice(0, 100)}` : ''})`,
        );
      }
      if (res.status < 300) expectedDeadLetters += due.deadLetters;
    };
    let next = 0;
    await Promise.all([
      (async () => {
        for (const p of acceptable) await check(p);
      })(),
      ...Array.from({ length: 15 }, async () => {
        for (let k = next++; k < refused.length; k = next++) await check(refused[k]!);
      }),
    ]);

    expect(problems.slice(0, 15)).toEqual([]);
    // The fuzz reached every stage on every channel: refused signatures, refused payloads, acknowledged pushes, oversize.
    for (const channel of WEBHOOK_CHANNELS) {
      const of = (status: number) => [...statuses].filter(([k]) => k.startsWith(`${channel} `) && k.endsWith(` ${status}`)).reduce((s, [, n]) => s + n, 0);
      expect({ channel, s200: of(200) > 0, s401: of(401) > 0, s400: of(400) > 0, s413: of(413) > 0 }).toEqual({
        channel,
        s200: true,
        s401: true,
        s400: true,
        s413: true,
      });
    }
    // Whatever was acknowledged without an event is in the dead-letter topic, each with its reason.
    if (expectedDeadLetters > 0) {
      const letters = await readTopic(ctx, 'deadLetter', expectedDeadLetters, 30_000);
      expect(letters.filter((l) => !l.value.reason.trim())).toEqual([]);
      expect(letters.length).toBe(expectedDeadLetters);
    }
    const health = await client.request('GET', '/healthz');
    expect(health.status).toBe(200);
    const after = await client.request('POST', valid[0]!.path, valid[0]!.headers, valid[0]!.body);
    expect(after.status).toBe(200); // still ingesting (a repeat of a control: answered as a duplicate)
    process.stdout.write(`gateway fuzz: ${cases.length} requests, ${expectedDeadLetters} dead letters expected\n`);
    if (process.env.FUZZ_VERBOSE)
      process.stdout.write(
        `${[...statuses]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, n]) => `  ${k} × ${n}`)
          .join('\n')}\n`,
      );
  }, 120_000);
});

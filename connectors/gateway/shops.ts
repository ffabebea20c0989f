import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { given, type PartInputs } from '../../lib/processor/definition.js';
import type { ShopConfig } from '../contract.js';
import { CONNECTORS } from '../registry.js';

const shopSchema = z.object({
  channel: z.string().refine((c) => c in CONNECTORS, { error: `unknown channel (known: ${Object.keys(CONNECTORS).join(', ')})` }),
  shopId: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, . _ - only'),
  brand: z.string().min(1),
  secret: z.string().min(8, 'a signing secret of at least 8 characters'),
  credentials: z.record(z.string(), z.string()).optional(),
  endpoint: z.url().optional(),
});

/** The seller's shops, each with its own secret: several shops per channel, several brands per seller. */
export class ShopDirectory {
  private readonly byKey = new Map<string, ShopConfig>();

  constructor(shops: ShopConfig[]) {
    for (const shop of shops) this.byKey.set(`${shop.channel}/${shop.shopId}`, shop);
  }

  get(channel: string, shopId: string): ShopConfig | undefined {
    return this.byKey.get(`${channel}/${shopId}`);
  }

  all(): ShopConfig[] {
    return [...this.byKey.values()];
  }

  /**
   * OMNISTREAM_SHOPS_FILE (a JSON file) or OMNISTREAM_SHOPS (inline JSON): an array of
   * { channel, shopId, brand, secret }. Errors name the variable and the shop, never the secret.
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): ShopDirectory {
    const source = env.OMNISTREAM_SHOPS_FILE ? 'OMNISTREAM_SHOPS_FILE' : 'OMNISTREAM_SHOPS';
    const text = env.OMNISTREAM_SHOPS_FILE ? readFileSync(env.OMNISTREAM_SHOPS_FILE, 'utf8') : (env.OMNISTREAM_SHOPS ?? '[]');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`${source}: not valid JSON (${(err as Error).message})`);
    }
    const parsed = z.array(shopSchema).safeParse(json);
    if (!parsed.success) {
      throw new Error(`${source}: ${parsed.error.issues.map((i) => `[${i.path.join('.')}] ${i.message}`).join('; ')}`);
    }
    return new ShopDirectory(parsed.data);
  }
}

/** The shop settings the parts that talk to shops read (gateway, sources, reconciliation, sync-back). */
export const shopsEnv = z.object({
  /** JSON array of {channel, shopId, brand, secret, credentials?, endpoint?}; secrets never go in the repo. */
  OMNISTREAM_SHOPS: z.string().optional(),
  /** …or the path of a file holding it. */
  OMNISTREAM_SHOPS_FILE: z.string().optional(),
});

/** The shops the caller gave (`shops`), else those of the environment. */
export function shopsOf(env: z.output<typeof shopsEnv>, inputs: PartInputs): ShopDirectory {
  return (
    given(inputs, 'shops', ShopDirectory) ?? ShopDirectory.fromEnv({ OMNISTREAM_SHOPS: env.OMNISTREAM_SHOPS, OMNISTREAM_SHOPS_FILE: env.OMNISTREAM_SHOPS_FILE })
  );
}

import { z } from 'zod';
import { ConfigError } from '../../lib/config.js';
import type { CarrierAccount } from './contract.js';
import { CARRIERS } from './registry.js';

const accountSchema = z.object({
  endpoint: z.url(),
  secret: z.string().min(1),
  credentials: z.record(z.string(), z.string()).default({}),
  timeoutMs: z.number().int().min(100).max(30_000).default(3000),
});

/**
 * OMNISTREAM_CARRIERS: a JSON object by carrier code, e.g.
 * {"sf":{"endpoint":"https://sfapi.sf-express.com","secret":"<checkWord>","credentials":{"partnerID":"…","monthlyCard":"…"}}}.
 */
export const carrierDirectorySchema = z.record(z.string(), accountSchema).superRefine((doc, ctx) => {
  for (const code of Object.keys(doc)) {
    if (!CARRIERS[code.toLowerCase()])
      ctx.addIssue({ code: 'custom', path: [code], message: `unknown carrier "${code}" (known: ${Object.keys(CARRIERS).join(', ')})` });
  }
});

/** The hub's account per carrier. Carrier codes are matched case-insensitively ("SF" = "sf"). */
export class CarrierDirectory {
  private readonly byCode: Map<string, CarrierAccount>;

  constructor(accounts: CarrierAccount[]) {
    this.byCode = new Map(accounts.map((a) => [a.carrier.toLowerCase(), { ...a, carrier: a.carrier.toLowerCase() }]));
  }

  get(carrier: string): CarrierAccount | undefined {
    return this.byCode.get(carrier.toLowerCase());
  }

  codes(): string[] {
    return [...this.byCode.keys()];
  }
}

/**
 * Without OMNISTREAM_CARRIERS: the local simulators on their default ports (18701 sf, 18702 zto,
 * 18703 yto, 18704 jd) with development credentials — never real carriers by accident.
 */
export const SIMULATOR_DEFAULTS: Readonly<Record<string, z.input<typeof accountSchema>>> = {
  sf: { endpoint: 'http://127.0.0.1:18701', secret: 'dev-sf-checkword', credentials: { partnerID: 'OMNI_SIM', monthlyCard: '7551234567' } },
  zto: { endpoint: 'http://127.0.0.1:18702', secret: 'dev-zto-secret', credentials: { companyId: 'omni_sim_company', accountId: 'sim-account' } },
  yto: { endpoint: 'http://127.0.0.1:18703', secret: 'dev-yto-secret', credentials: { appKey: 'omni-sim-app', customerCode: 'SIM001', clientId: 'OMNI_SIM' } },
  jd: {
    endpoint: 'http://127.0.0.1:18704',
    secret: 'dev-jd-secret',
    credentials: { appKey: 'omni-sim-lop', accessToken: 'dev-jd-token', customerCode: '010K000001' },
  },
};

export function loadCarrierDirectory(env: NodeJS.ProcessEnv = process.env): CarrierDirectory {
  let doc: unknown = SIMULATOR_DEFAULTS;
  if (env.OMNISTREAM_CARRIERS) {
    try {
      doc = JSON.parse(env.OMNISTREAM_CARRIERS);
    } catch (err) {
      throw new ConfigError(`OMNISTREAM_CARRIERS is not JSON: ${(err as Error).message}`);
    }
  }
  const parsed = carrierDirectorySchema.safeParse(doc);
  if (!parsed.success) {
    // Never echo the values: they hold secrets.
    throw new ConfigError(`invalid OMNISTREAM_CARRIERS:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return new CarrierDirectory(Object.entries(parsed.data).map(([carrier, a]) => ({ carrier, ...a })));
}

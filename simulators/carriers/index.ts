import { CarrierDirectory, SIMULATOR_DEFAULTS } from '../../connectors/carriers/directory.js';
import { JdSimulator } from './jd/index.js';
import type { CarrierSimulator } from './server.js';
import { SfSimulator } from './sf/index.js';
import { YtoSimulator } from './yto/index.js';
import { ZtoSimulator } from './zto/index.js';

export interface RunningSimulators {
  byCarrier: Readonly<Record<string, CarrierSimulator>>;
  /** A directory whose accounts point at these simulators. */
  directory: CarrierDirectory;
  stop(): Promise<void>;
}

/** All four carrier simulators on ephemeral ports, with fresh secrets (tests, bench, demo). */
export async function startCarrierSimulators(timeoutMs = 3000): Promise<RunningSimulators> {
  const sims: CarrierSimulator[] = [new SfSimulator(), new ZtoSimulator(), new YtoSimulator(), new JdSimulator()];
  await Promise.all(sims.map((s) => s.start()));
  return {
    byCarrier: Object.fromEntries(sims.map((s) => [s.carrier, s])),
    directory: new CarrierDirectory(sims.map((s) => s.account(timeoutMs))),
    stop: async () => {
      await Promise.all(sims.map((s) => s.stop()));
    },
  };
}

/**
 * The four simulators on the ports and with the credentials of SIMULATOR_DEFAULTS: what
 * loadCarrierDirectory() points at when OMNISTREAM_CARRIERS is not set (local demo, `omnistream` CLI).
 */
export async function startDefaultCarrierSimulators(): Promise<RunningSimulators> {
  const d = SIMULATOR_DEFAULTS;
  const c = (code: string, name: string) => d[code]!.credentials?.[name] ?? '';
  const sims: [CarrierSimulator, string][] = [
    [new SfSimulator(c('sf', 'partnerID'), d.sf!.secret), d.sf!.endpoint],
    [new ZtoSimulator(c('zto', 'companyId'), d.zto!.secret), d.zto!.endpoint],
    [new YtoSimulator(c('yto', 'appKey'), d.yto!.secret, c('yto', 'clientId')), d.yto!.endpoint],
    [new JdSimulator(c('jd', 'appKey'), d.jd!.secret, c('jd', 'accessToken')), d.jd!.endpoint],
  ];
  await Promise.all(sims.map(([s, endpoint]) => s.start(Number(new URL(endpoint).port))));
  return {
    byCarrier: Object.fromEntries(sims.map(([s]) => [s.carrier, s])),
    directory: new CarrierDirectory(sims.map(([s]) => s.account())),
    stop: async () => {
      await Promise.all(sims.map(([s]) => s.stop()));
    },
  };
}

import 'vitest';
import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { dockerEngineAvailable, type StackEnv, startContainers } from './containers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stackEnv: StackEnv;
  }
}

/**
 * Integration tests run against real services. With a Docker engine, testcontainers provides them;
 * without one (the machines here), the repo's local stack is started if it is not already up.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.OMNISTREAM_TESTCONTAINERS !== '0' && (await dockerEngineAvailable())) {
    const stack = await startContainers();
    project.provide('stackEnv', stack.env);
    return stack.stop;
  }
  const up = spawnSync('bash', ['stack/up.sh'], { stdio: 'inherit' });
  if (up.status !== 0) throw new Error('stack/up.sh failed: the local Kafka/registry/Redis/Postgres did not start');
  project.provide('stackEnv', {});
  return async () => {};
}

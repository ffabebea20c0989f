import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { COMPONENTS } from '../app/parts.js';
import { README_BEGIN, README_END, withTopologySection } from '../app/readme.js';
import { describeTopology } from '../lib/processor/describe.js';

/**
 * `omnistream topology`: the whole pipeline as the registry declares it (Kafka Streams'
 * Topology.describe()); `--readme` rewrites the README's generated architecture table.
 */
export function registerTopologyCommand(program: Command): void {
  program
    .command('topology')
    .description("print every component: part, consumer group, inputs, state stores, timers, routes, outputs; then every topic's writers and readers")
    .option('--namespace <ns>', 'show topic names, groups and Redis keys in this namespace', '')
    .option('--readme', `rewrite the README's table between ${README_BEGIN} and ${README_END}`, false)
    .action((opts: { namespace: string; readme: boolean }) => {
      if (!opts.readme) {
        process.stdout.write(describeTopology(COMPONENTS, { namespace: opts.namespace }));
        return;
      }
      const path = new URL('../README.md', import.meta.url);
      writeFileSync(path, withTopologySection(readFileSync(path, 'utf8')));
      console.log('README.md: architecture table regenerated');
    });
}

import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../../app/config.js';
import { CONNECTORS } from '../../connectors/registry.js';
import { publishToTopic } from '../publish-to-topic.js';
import { shopKeyOf, stockPolicyRecordOf } from './record.js';

const knownChannel = (v: string) => {
  if (!(v in CONNECTORS)) throw new InvalidArgumentError(`unknown channel (known: ${Object.keys(CONNECTORS).join(', ')})`);
  return v;
};
const shopId = (v: string) => {
  if (!/^[^:\s]{1,128}$/.test(v)) throw new InvalidArgumentError('expected a shop id without ":" or whitespace');
  return v;
};

/**
 * `omnistream stock-policy set <channel> <shopId> <policy.json>`: checks the policy and publishes it
 * to stock-policies. There is no `show`: policies live only on the compacted topic and in
 * stock-sync's Redis, and no projection keeps them for a reader.
 */
export function registerStockPolicyCommand(program: Command): void {
  const policy = program.command('stock-policy').description("set a shop's stock policy (share, floor, max, warehouses, allocations)");
  policy
    .command('set')
    .description("check a policy file and publish it as the shop's policy (exit 2 if a rule is wrong; see processors/stock-sync/policy.ts)")
    .argument('<channel>', 'channel, e.g. taobao', knownChannel)
    .argument('<shopId>', 'shop id', shopId)
    .argument('<policy.json>', 'the policy document')
    .action(async (channel: string, shop: string, file: string) => {
      const result = stockPolicyRecordOf(channel, shop, readFileSync(file, 'utf8'), Date.now());
      if (!result.ok) {
        console.error(`${file}: policy refused: ${result.reason}`);
        process.exitCode = 2;
        return;
      }
      const key = shopKeyOf(channel, shop);
      await publishToTopic(loadConfig(), 'omnistream-stock-policy', 'stockPolicies', [{ key, value: result.record }]);
      console.log(`published the stock policy of ${key}`);
    });
}

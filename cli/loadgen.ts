#!/usr/bin/env node
/*
 * The webhook load generator. Registered on the omnistream CLI with registerLoadgenCommand(program);
 * also runnable on its own: npx tsx cli/loadgen.ts [shops --out file.json | --shops file.json …].
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerLoadgenCommand } from './loadgen/command.js';

export { type LoadgenCliOptions, registerLoadgenCommand, runLoadgen } from './loadgen/command.js';
export { buildLoad, type LoadOptions, type LoadStep, type Push, PushSigner, planLoad, signStep, stepKey } from './loadgen/plan.js';
export { answerFits, counterDelta, formatCounts, type RunResult, runPushes } from './loadgen/run.js';
export { type Answer, classify, GatewayClient, percentile, scrapePushCounters, TokenBucket } from './loadgen/send.js';
export { freshShop, freshShops, readShopsFile, WEBHOOK_CHANNELS, writeShopsFile } from './loadgen/shops.js';

function isMain(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  // Standalone: `loadgen …` is the program itself, so "npx tsx cli/loadgen.ts --orders 100" works.
  const program = new Command('omnistream');
  registerLoadgenCommand(program);
  program.parseAsync(['loadgen', ...process.argv.slice(2)], { from: 'user' }).catch((err: unknown) => {
    console.error(`loadgen: ${(err as Error).message ?? err}`);
    process.exit(1);
  });
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { buildAsyncApi, DEFAULT_ASYNCAPI_OPTIONS, renderAsyncApi } from '../app/asyncapi.js';

const namespaceArg = (v: string) => {
  if (!/^[a-z0-9_-]*$/.test(v)) throw new InvalidArgumentError('lower-case letters, digits, _ and - only (as OMNISTREAM_NAMESPACE)');
  return v;
};

/**
 * `omnistream asyncapi [--out docs/asyncapi.yaml] [--namespace ns]`: the topic catalog as an
 * AsyncAPI 3.0 document. Deliberately independent of the environment, so that running it with no
 * options reproduces the committed docs/asyncapi.yaml exactly (app/asyncapi.test.ts checks).
 */
export function registerAsyncapiCommand(program: Command): void {
  program
    .command('asyncapi')
    .description('write the AsyncAPI 3.0 document of every topic (channels, Kafka bindings, Avro payloads, operations)')
    .option('--out <file>', 'where to write it ("-" for stdout)', 'docs/asyncapi.yaml')
    .option('--namespace <ns>', 'topic namespace (OMNISTREAM_NAMESPACE) for addresses, subjects and groups', namespaceArg, DEFAULT_ASYNCAPI_OPTIONS.namespace)
    .option('--kafka-host <host:port>', "broker of the document's server entry", DEFAULT_ASYNCAPI_OPTIONS.kafkaHost)
    .option('--registry-url <url>', "schema registry (Confluent API) of the document's server entry", DEFAULT_ASYNCAPI_OPTIONS.registryUrl)
    .action((opts: { out: string; namespace: string; kafkaHost: string; registryUrl: string }) => {
      const text = renderAsyncApi(buildAsyncApi({ namespace: opts.namespace, kafkaHost: opts.kafkaHost, registryUrl: opts.registryUrl }));
      if (opts.out === '-') {
        process.stdout.write(text);
        return;
      }
      const file = resolve(opts.out);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      console.log(`wrote ${opts.out} (${Buffer.byteLength(text)} bytes)`);
    });
}

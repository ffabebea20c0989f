// Readiness probes used by the stack scripts: exit 0 only when the service really answers.
//   node probe.mjs kafka 127.0.0.1:9092
//   node probe.mjs registry http://127.0.0.1:8081/apis/ccompat/v7
import { Kafka, logLevel } from 'kafkajs';

const [what, address] = process.argv.slice(2);

async function kafka() {
  const admin = new Kafka({
    brokers: [address],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  }).admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no brokers');
  } finally {
    await admin.disconnect();
  }
}

async function registry() {
  const res = await fetch(`${address}/subjects`, { signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  await res.json();
}

const probes = { kafka, registry };
if (!probes[what]) {
  console.error(`unknown probe ${what}`);
  process.exit(2);
}
probes[what]().then(
  () => process.exit(0),
  (err) => {
    console.error(String(err));
    process.exit(1);
  },
);

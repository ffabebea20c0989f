import { TOPICS, type TopicDefinition, type TopicId, topicName } from '../../topics/catalog.js';
import { redisPrefix } from '../redis-keys.js';
import { type AnyProcessorDefinition, consumerGroupsOf, groupOf, inputsOf, outputsOf, partOf } from './definition.js';

export interface DescribeOptions {
  namespace?: string;
}

const topicLabel = (ns: string, id: TopicId) => ((TOPICS[id] as TopicDefinition).perChannel ? `${topicName(ns, id)}.<channel>` : topicName(ns, id));

/**
 * The whole pipeline as text, like Kafka Streams' Topology.describe(): each component with its
 * part, consumer group, inputs, state stores, timers, routes and outputs, then every topic with
 * who writes it and who reads it.
 */
export function describeTopology(components: readonly AnyProcessorDefinition[], opts: DescribeOptions = {}): string {
  const ns = opts.namespace ?? '';
  const lines: string[] = [`Topology${ns ? ` (namespace "${ns}")` : ''}: ${components.length} components`, ''];
  for (const c of components) {
    const group = groupOf(c);
    lines.push(`${c.kind} ${c.name}  [part ${partOf(c)}${group ? `, group ${ns ? `${ns}.` : ''}${group}` : ''}]`);
    lines.push(`  ${c.summary}`);
    for (const r of c.routes ?? []) lines.push(`  route  ${r.method} ${r.path} — ${r.does}`);
    const laneOf = new Map(consumerGroupsOf(c).flatMap((g) => (g.lane ? g.topics.map((t) => [t, g.group] as const) : [])));
    for (const id of inputsOf(c)) {
      const lane = laneOf.get(id);
      lines.push(`  <- ${topicLabel(ns, id)} — ${c.inputs[id]}${lane ? ` (in group ${ns ? `${ns}.` : ''}${lane})` : ''}`);
    }
    for (const s of c.stores ?? []) lines.push(`  store  ${s.kind === 'redis' ? `${redisPrefix(ns, s.prefix)}*` : `postgres ${s.prefix}`} — ${s.holds}`);
    for (const t of c.timers ?? []) lines.push(`  timer  ${t.name} (${t.every}) — ${t.does}`);
    for (const id of outputsOf(c)) lines.push(`  -> ${topicLabel(ns, id)} — ${c.outputs[id]}`);
    if (group) lines.push(`  -> ${topicName(ns, 'deadLetter')} — records it cannot decode`);
    lines.push('');
  }
  lines.push('Topics (writers -> readers):');
  for (const id of Object.keys(TOPICS) as TopicId[]) {
    const writers = components.filter((c) => outputsOf(c).includes(id)).map((c) => c.name);
    const readers = components.filter((c) => inputsOf(c).includes(id)).map((c) => c.name);
    if (id === 'deadLetter' && components.some((c) => groupOf(c))) writers.push('every consumer');
    lines.push(
      `  ${topicLabel(ns, id).padEnd(30)} ${(writers.join(', ') || '(outside the hub)').padEnd(48)} -> ${readers.join(', ') || '(downstream systems)'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The components as a Markdown table (the README's architecture section is generated from it). */
export function topologyMarkdown(components: readonly AnyProcessorDefinition[]): string {
  const rows = components.map((c) => {
    const topics = (ids: TopicId[]) => ids.map((id) => `\`${TOPICS[id].base}\``).join(', ') || '—';
    const state = (c.stores ?? []).map((s) => (s.kind === 'redis' ? `Redis \`${s.prefix}\`` : 'Postgres')).join(', ') || '—';
    return `| \`${c.name}\` | ${c.kind} | \`${partOf(c)}\` | ${c.summary} | ${topics(inputsOf(c))} | ${topics(outputsOf(c))} | ${state} |`;
  });
  return ['| component | kind | part | what it does | reads | writes | state |', '|---|---|---|---|---|---|---|', ...rows].join('\n');
}

import type { ChannelCommand } from '../../topics/schemas/channel-command.js';
import type { DivergenceEvent, DivergenceState } from '../../topics/schemas/divergence-event.js';
import type { WarehouseCommand } from '../../topics/schemas/warehouse-command.js';
import type { DivergenceConfig } from './config.js';
import { type Fact, type OutcomeFact, timeline } from './facts.js';
import { parcelsAfterCancellation, RULES, type Rule } from './rules.js';
import { applyFact, cloneViews, emptyViews, parcels, type Views, viewWords } from './views.js';

/** What was already written for an order: the divergence events, and every output id (commands too). */
export interface Emitted {
  events: readonly DivergenceEvent[];
  ids: ReadonlySet<string>;
}

export interface Evaluation {
  /** New divergence events, in time order. */
  divergences: DivergenceEvent[];
  channelCommands: ChannelCommand[];
  warehouseCommands: WarehouseCommand[];
  /** When time alone could open or escalate something next (the timer's due time), or null. */
  nextDeadline: number | null;
}

interface Interval {
  start: number;
  /** When the hub could first know every fact behind the start (their latest broker time). */
  knownAt: number;
  /** When the rule stopped holding, or null while it still holds. */
  end: number | null;
}

interface Snapshot {
  at: number;
  /** The latest broker time of the facts up to `at`. */
  seen: number;
  views: Views;
}

/**
 * The divergences an order's facts prove, and the outputs not yet written. Deterministic in the
 * set of facts: arrival order, duplicates and redelivery do not change the result. Every rule's
 * intervals are read off the order's timeline in event time; an interval that ended is judged by
 * its length alone, so a contradiction revealed late is still recorded with its true duration.
 *
 * `now` is how far time has passed with no news (the timer's clock); null when an event arrived:
 * then only what the facts prove at once is decided (a failed repair escalates). A contradiction
 * still holding opens when its grace window has passed, counted from when the hub could know it;
 * one that ended is decided `settleMs` after its end: news from another topic, a little late, can
 * still move it, and must not change the outcome.
 */
export function evaluate(orderKey: string, facts: Iterable<Fact>, emitted: Emitted, now: number | null, config: DivergenceConfig): Evaluation {
  const tl = timeline(dedupe(facts));
  const snaps = snapshots(tl);
  const outcomes = tl.filter((f): f is OutcomeFact => f.view === 'outcome');
  const lastAt = tl.length > 0 ? tl[tl.length - 1]!.at : 0;
  const latest = snaps.length > 0 ? snaps[snaps.length - 1]!.views : emptyViews();
  const out: Evaluation = { divergences: [], channelCommands: [], warehouseCommands: [], nextDeadline: null };
  const deadline = (t: number) => {
    out.nextDeadline = out.nextDeadline === null ? t : Math.min(out.nextDeadline, t);
  };
  const seen = new Set(emitted.ids);
  const emit = (e: DivergenceEvent) => {
    if (!seen.has(e.eventId)) {
      seen.add(e.eventId);
      out.divergences.push(e);
    }
  };
  // Divergences still open: a later contradiction never continues one already resolved.
  const opened = emitted.events.filter((e) => e.state === 'OPENED' && !emitted.ids.has(`${e.divergenceId}:RESOLVED`));
  const matched = new Set<string>();

  for (const rule of RULES) {
    const grace = config.graceMs[rule.type];
    const escalateAfter = grace * config.escalationFactor;
    for (const iv of intervals(rule, snaps)) {
      // An open divergence whose start lies in this interval is this interval's: one per cause.
      const prior = opened.find((e) => ruleOf(e.divergenceId, orderKey) === rule.name && e.since >= iv.start && (iv.end === null || e.since < iv.end));
      if (prior) matched.add(prior.divergenceId);
      const since = prior?.since ?? iv.start;
      // Shorter than the window: nothing, unless a late fact stretches it (it is re-evaluated then).
      if (!prior && iv.end !== null && iv.end - since < grace) continue;
      if (iv.end !== null && (now === null || now < iv.end + config.settleMs)) {
        // Ended, but news from another topic may still move the end: decide once it settled.
        deadline(iv.end + config.settleMs);
        continue;
      }
      const closed = iv.end !== null;
      // The hub gets its grace window from when it could know, too: a contradiction revealed late
      // (and repaired at once) is recorded, but never opened as if it were still going on.
      const knownAt = Math.max(since, iv.knownAt);
      // Learned only past the history horizon, and already over: an import or replay of old orders.
      if (!prior && closed && config.historyHorizonMs > 0 && iv.knownAt - since > config.historyHorizonMs) continue;
      const isDivergence = prior !== undefined || (closed ? iv.end! - since >= grace : now !== null && now >= knownAt + grace);
      if (!isDivergence) {
        if (!closed) deadline(knownAt + grace);
        continue;
      }
      const divergenceId = prior?.divergenceId ?? `${orderKey}:${rule.name}:${since}`;
      matched.add(divergenceId);
      const openedAt = prior?.openedAt ?? since + grace;
      const base = { divergenceId, orderKey, channel: channelOf(orderKey, latest), type: rule.type, since, openedAt };
      // Repairs only for what is still wrong: a divergence revealed after it ended needs none.
      const action = closed ? null : rule.action;
      if (!seen.has(`${divergenceId}:OPENED`)) {
        const at = closed ? Math.min(openedAt, iv.end! - 1) : openedAt;
        emit(event(base, 'OPENED', openedAt, viewsAt(snaps, at), null, action, null));
        if (action) addRepairs(out, seen, rule, divergenceId, latest, orderKey, now ?? lastAt);
      }
      if (!seen.has(`${divergenceId}:ESCALATED`)) {
        const esc = escalationOf(rule, divergenceId, since, iv, snaps, outcomes, closed ? null : now, escalateAfter);
        if (esc) emit(event(base, 'ESCALATED', Math.max(esc.at, openedAt), viewsAt(snaps, esc.at), esc.reason, action, null));
        else if (!closed) deadline(since + escalateAfter);
      }
      if (closed) emit(event(base, 'RESOLVED', iv.end!, viewsAt(snaps, iv.end!), rule.resolution(viewsAt(snaps, iv.end!)), null, iv.end! - since));
    }
  }

  // Opened on what was known then; facts that arrived later show no contradiction there at all.
  const lastSeen = tl.reduce((m, f) => Math.max(m, f.seenAt), 0);
  for (const e of opened) {
    if (matched.has(e.divergenceId)) continue;
    if (now === null || now < lastSeen + config.settleMs) {
      deadline(lastSeen + config.settleMs);
      continue;
    }
    const at = Math.max(lastAt, e.since);
    emit(event(e, 'RESOLVED', at, latest, 'later facts show no contradiction', null, at - e.since));
  }
  out.divergences.sort((a, b) => a.occurredAt - b.occurredAt || STATE_ORDER[a.state] - STATE_ORDER[b.state]);
  return out;
}

const STATE_ORDER: Record<DivergenceState, number> = { OPENED: 0, ESCALATED: 1, RESOLVED: 2 };

function dedupe(facts: Iterable<Fact>): Fact[] {
  const byId = new Map<string, Fact>();
  for (const f of facts) if (!byId.has(f.id)) byId.set(f.id, f);
  return [...byId.values()];
}

/** The views after each distinct time of the timeline (same-time facts applied together). */
function snapshots(tl: Fact[]): Snapshot[] {
  const v = emptyViews();
  const out: Snapshot[] = [];
  let seen = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < tl.length; i++) {
    applyFact(v, tl[i]!);
    seen = Math.max(seen, tl[i]!.seenAt);
    if (i === tl.length - 1 || tl[i + 1]!.at !== tl[i]!.at) out.push({ at: tl[i]!.at, seen, views: cloneViews(v) });
  }
  return out;
}

function viewsAt(snaps: Snapshot[], t: number): Views {
  let found: Views = emptyViews();
  for (const s of snaps) {
    if (s.at > t) break;
    found = s.views;
  }
  return found;
}

function intervals(rule: Rule, snaps: Snapshot[]): Interval[] {
  const out: Interval[] = [];
  let open: Interval | null = null;
  for (const s of snaps) {
    const holds = rule.holds(s.views);
    if (holds && !open) {
      open = { start: s.at, knownAt: s.seen, end: null };
      out.push(open);
    } else if (!holds && open) {
      open.end = s.at;
      open = null;
    }
  }
  return out;
}

/** `${orderKey}:${rule}:${since}` → rule. */
function ruleOf(divergenceId: string, orderKey: string): string {
  const rest = divergenceId.slice(orderKey.length + 1);
  return rest.slice(0, rest.lastIndexOf(':'));
}

/** The earliest reason to escalate within the interval: a failed repair, a rule's own reason, or time. */
function escalationOf(
  rule: Rule,
  divergenceId: string,
  since: number,
  iv: Interval,
  snaps: Snapshot[],
  outcomes: OutcomeFact[],
  now: number | null,
  escalateAfter: number,
): { at: number; reason: string } | null {
  const within = (t: number) => t >= since && (iv.end === null || t < iv.end);
  const candidates: { at: number; reason: string }[] = [];
  const failed = outcomes.find((o) => o.divergenceId === divergenceId && o.state === 'FAILED' && (iv.end === null || o.at < iv.end));
  if (failed) candidates.push({ at: failed.at, reason: `repair failed: ${failed.reason ?? 'no reason given'}` });
  if (rule.escalation) {
    for (const s of snaps) {
      if (!within(s.at)) continue;
      const reason = rule.escalation(s.views);
      if (reason) {
        candidates.push({ at: s.at, reason });
        break;
      }
    }
  }
  if (now !== null && now >= since + escalateAfter)
    candidates.push({ at: since + escalateAfter, reason: `still open after ${Math.round(escalateAfter / 1000)} s` });
  candidates.sort((a, b) => a.at - b.at);
  return candidates[0] ?? null;
}

function event(
  base: Pick<DivergenceEvent, 'divergenceId' | 'orderKey' | 'channel' | 'type' | 'since' | 'openedAt'>,
  state: DivergenceState,
  occurredAt: number,
  v: Views,
  resolution: string | null,
  action: string | null,
  durationMs: number | null,
): DivergenceEvent {
  return {
    eventId: `${base.divergenceId}:${state}`,
    divergenceId: base.divergenceId,
    orderKey: base.orderKey,
    channel: base.channel,
    type: base.type,
    state,
    ...viewWords(v),
    since: base.since,
    openedAt: base.openedAt,
    occurredAt,
    resolution,
    action,
    durationMs,
  };
}

function channelOf(orderKey: string, v: Views): string {
  return v.channel?.channel ?? orderKey.split(':')[0]!;
}

/** The commands a rule's action asks for, with ids from the divergence: a repeat is the same command. */
function addRepairs(out: Evaluation, seen: Set<string>, rule: Rule, divergenceId: string, v: Views, orderKey: string, issuedAt: number): void {
  const [channel, shopId, ...rest] = orderKey.split(':');
  const who = {
    orderKey,
    channel: v.channel?.channel ?? channel!,
    shopId: v.channel?.shopId ?? shopId ?? '',
    channelOrderId: v.channel?.channelOrderId ?? rest.join(':'),
  };
  const reason = `${rule.name} divergence`;
  const claim = (id: string) => {
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  };
  if (rule.action === 'SHIP') {
    const p = parcels(v).find((x) => x.shippedAt !== null && x.waybillNo) ?? parcels(v).find((x) => x.shippedAt !== null);
    const commandId = `${divergenceId}:SHIP`;
    if (claim(commandId))
      out.channelCommands.push({
        commandId,
        kind: 'SHIP',
        ...who,
        carrier: p?.carrier ?? null,
        waybillNo: p?.waybillNo ?? null,
        divergenceId,
        reason,
        since: v.channel?.since ?? null,
        issuedAt,
      });
  } else if (rule.action === 'RECONCILE_ORDER') {
    const commandId = `${divergenceId}:RECONCILE_ORDER`;
    if (claim(commandId))
      out.channelCommands.push({
        commandId,
        kind: 'RECONCILE_ORDER',
        ...who,
        carrier: null,
        waybillNo: null,
        divergenceId,
        reason,
        since: v.channel?.since ?? null,
        issuedAt,
      });
  } else if (rule.action === 'INTERCEPT') {
    for (const p of parcelsAfterCancellation(v)) {
      const commandId = `${divergenceId}:INTERCEPT:${p.warehouse}`;
      if (claim(commandId))
        out.warehouseCommands.push({
          commandId,
          kind: 'INTERCEPT',
          orderKey,
          channel: who.channel,
          warehouse: p.warehouse,
          shipmentId: p.shipmentId,
          waybillNo: p.waybillNo,
          divergenceId,
          reason,
          issuedAt,
        });
    }
  }
}

/**
 * Sync lag of a fact the hub has just seen for the first time: a channel event's occurredAt → when
 * the hub received it; an inventory decision's record time → the channel time of the status it answers.
 */
export function syncLagOf(f: Fact, facts: Iterable<Fact>): { channel: string; stage: 'received' | 'decided'; ms: number } | null {
  if (f.view === 'channel') return { channel: f.channel, stage: 'received', ms: Math.max(0, f.receivedAt - f.at) };
  if (f.view !== 'hub') return null;
  const answers: Partial<Record<string, string[]>> = {
    LOCKED: ['CREATED'],
    RESERVED: ['PAID'],
    RELEASED: ['CANCELLED', 'REFUNDING', 'REFUNDED', 'CLOSED'],
    SHIPPED: ['SHIPPED'],
  };
  const statuses = answers[f.kind];
  if (!statuses) return null;
  let cause: { at: number; channel: string } | null = null;
  for (const c of facts) if (c.view === 'channel' && c.orderKey === f.orderKey && statuses.includes(c.status) && (!cause || c.at < cause.at)) cause = c;
  return cause ? { channel: cause.channel, stage: 'decided', ms: Math.max(0, f.at - cause.at) } : null;
}

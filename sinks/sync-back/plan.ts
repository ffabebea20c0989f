import { CARRIERS, type CarrierCode, type ShipmentNotice } from '../../connectors/contract.js';
import type { Result } from '../../lib/result.js';
import type { ChannelCommand } from '../../topics/schemas/channel-command.js';

/** A targeted pull starts this long before the order's last known change (clock skew, API lag). */
export const PULL_MARGIN_MS = 2 * 60_000;

/** One unit of work: a SHIP or CANCEL_UNFILLABLE, or one pull serving every RECONCILE_ORDER of a shop in the batch. */
export type Job =
  | { kind: 'SHIP' | 'CANCEL_UNFILLABLE'; command: ChannelCommand }
  | { kind: 'RECONCILE'; channel: string; shopId: string; commands: ChannelCommand[]; fromMs: number };

/** The same command delivered twice in one batch (a producer retry) is executed once: the first. */
export function distinctCommands(commands: readonly ChannelCommand[]): ChannelCommand[] {
  const seen = new Set<string>();
  return commands.filter((c) => {
    if (seen.has(c.commandId)) return false;
    seen.add(c.commandId);
    return true;
  });
}

/** Where a targeted pull for the command starts: shortly before the order's last known change. */
export function pullFromMs(command: ChannelCommand): number {
  return (command.since ?? command.issuedAt) - PULL_MARGIN_MS;
}

/**
 * The batch as lanes that may run side by side: every SHIP and CANCEL_UNFILLABLE of one order in
 * one lane (in order), and per shop one RECONCILE job covering all its RECONCILE_ORDER commands, whose windows all end
 * "now" and so overlap: one pull from the earliest start serves them all.
 */
export function planLanes(commands: readonly ChannelCommand[]): Job[][] {
  const ships = new Map<string, Job[]>();
  const reconciles = new Map<string, Extract<Job, { kind: 'RECONCILE' }>>();
  for (const command of commands) {
    if (command.kind !== 'RECONCILE_ORDER') {
      const lane = ships.get(command.orderKey) ?? [];
      lane.push({ kind: command.kind, command });
      ships.set(command.orderKey, lane);
      continue;
    }
    const shopKey = `${command.channel}/${command.shopId}`;
    const job = reconciles.get(shopKey);
    if (job) {
      job.commands.push(command);
      job.fromMs = Math.min(job.fromMs, pullFromMs(command));
    } else {
      reconciles.set(shopKey, { kind: 'RECONCILE', channel: command.channel, shopId: command.shopId, commands: [command], fromMs: pullFromMs(command) });
    }
  }
  return [...ships.values(), ...[...reconciles.values()].map((job) => [job])];
}

/** The notice a SHIP command carries, or why it cannot be executed. */
export function shipmentNoticeOf(command: ChannelCommand): Result<ShipmentNotice> {
  if (!command.carrier || !(CARRIERS as readonly string[]).includes(command.carrier)) {
    return { ok: false, reason: `SHIP command without a known carrier (got ${command.carrier ?? 'none'}; known: ${CARRIERS.join(', ')})` };
  }
  if (!command.waybillNo?.trim()) return { ok: false, reason: 'SHIP command without a waybill number' };
  return {
    ok: true,
    value: {
      channelOrderId: command.channelOrderId,
      carrier: command.carrier as CarrierCode,
      waybillNo: command.waybillNo.trim(),
      shippedAt: command.issuedAt,
    },
  };
}

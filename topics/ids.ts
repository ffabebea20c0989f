import { createHash } from 'node:crypto';
import type { OrderStatus } from './schemas/order-event.js';

/** The key of an order on every topic: `channel:shopId:channelOrderId`. */
export function orderKeyOf(channel: string, shopId: string, channelOrderId: string): string {
  return `${channel}:${shopId}:${channelOrderId}`;
}

/** Same channel fact → same id, however often or by whichever path (push, pull) it arrives. */
export function eventIdOf(orderKey: string, status: OrderStatus, occurredAt: number): string {
  return createHash('sha256').update(`${orderKey}|${status}|${occurredAt}`).digest('hex').slice(0, 32);
}

import { z } from 'zod';
import { verifyWmsSignature } from '../../connectors/wms/signature.js';
import { type FaultQueue, json, type SimRoute } from '../kit/index.js';
import type { WarehouseFloor } from './floor.js';

const interceptBody = z
  .object({ shipmentId: z.string().min(1).nullish(), orderKey: z.string().min(1).nullish(), reason: z.string().min(1) })
  .refine((b) => b.shipmentId || b.orderKey, 'shipmentId or orderKey is required');

/**
 * POST /wms/:warehouse/intercept (signed, the contract): answered "intercepted" until the parcel is
 * scanned out, then refused. An injected fault (a 5xx status) answers an authentic call first.
 */
export function interceptApi(
  floor: WarehouseFloor,
  secrets: Record<string, string>,
  faults: FaultQueue<number>,
  now: () => number,
  counted: () => void,
): SimRoute {
  return {
    method: 'POST',
    path: '/wms/:warehouse/intercept',
    handler: (req) => {
      counted();
      const secret = secrets[req.params.warehouse!];
      const own = floor.of(req.params.warehouse!);
      if (!secret || !own) return json({ result: 'error', reason: `unknown warehouse ${req.params.warehouse}` }, 404);
      const verified = verifyWmsSignature(secret, req.headers, req.body, now());
      if (!verified.ok) return json({ result: 'error', reason: verified.reason }, 401);
      const failure = faults.take();
      if (failure !== undefined) return json({ result: 'error', reason: 'simulated WMS outage' }, failure);
      let parsed: unknown;
      try {
        parsed = JSON.parse(req.body.toString('utf8'));
      } catch {
        return json({ result: 'error', reason: 'invalid JSON' }, 400);
      }
      const body = interceptBody.safeParse(parsed);
      if (!body.success) return json({ result: 'error', reason: body.error.issues.map((i) => i.message).join('; ') }, 400);
      const found = body.data.shipmentId ? own.get(body.data.shipmentId) : [...own.values()].find((s) => s.orderKey === body.data.orderKey);
      if (!found) return json({ result: 'error', reason: 'unknown shipment' }, 404);
      if (found.state === 'shipped') return json({ result: 'refused', shipmentId: found.shipmentId, reason: 'already scanned out' }, 409);
      found.state = 'intercepted'; // idempotent: intercepting an intercepted parcel answers the same
      return json({ result: 'intercepted', shipmentId: found.shipmentId });
    },
  };
}

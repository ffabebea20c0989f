import { z } from 'zod';
import { json, type SimRoute } from '../kit/index.js';
import type { WarehouseFloor } from './floor.js';
import type { WmsSimulator } from './server.js';

const allocateBody = z.object({
  shipmentId: z.string().min(1),
  orderKey: z.string().min(1),
  waybillNo: z.string().nullish(),
  lines: z.array(z.object({ sku: z.string(), quantity: z.number().int().positive() })).min(1),
});
const scanBody = z.object({ type: z.enum(['PICKED', 'PACKED', 'SCAN_OUT']) });

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Control routes, unsigned: a test or demo driving the simulated warehouse floor by hand.
 * POST /wms/:warehouse/shipments {shipmentId, orderKey, lines, waybillNo?} and
 * POST /wms/:warehouse/shipments/:shipmentId/scans {type} (performs the scan and pushes it to the hub).
 */
export function controlApi(floor: WarehouseFloor, scan: WmsSimulator['scan']): SimRoute[] {
  return [
    {
      method: 'POST',
      path: '/wms/:warehouse/shipments',
      handler: (req) => {
        const body = allocateBody.safeParse(parseJson(req.body));
        if (!body.success || !floor.of(req.params.warehouse!)) return json({ error: body.success ? 'unknown warehouse' : body.error.message }, 400);
        floor.allocate(req.params.warehouse!, body.data);
        return json({ state: 'allocated' });
      },
    },
    {
      method: 'POST',
      path: '/wms/:warehouse/shipments/:shipmentId/scans',
      handler: async (req) => {
        const body = scanBody.safeParse(parseJson(req.body));
        if (!body.success) return json({ error: body.error.message }, 400);
        try {
          const res = await scan(req.params.warehouse!, req.params.shipmentId!, body.data.type);
          return json({ hubStatus: res.status, hubAnswer: res.body, scanId: res.sent.scanId });
        } catch (err) {
          return json({ error: (err as Error).message }, 409);
        }
      },
    },
  ];
}

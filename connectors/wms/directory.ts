import { z } from 'zod';

/** One warehouse's WMS: the secret both sides sign with, and where its API answers. */
export const wmsWarehouseSchema = z.object({
  secret: z.string().min(16, 'a WMS secret needs at least 16 characters'),
  /** Base URL of the warehouse's WMS API (the hub calls `${endpoint}/intercept`). */
  endpoint: z.url(),
});
export type WmsWarehouse = z.infer<typeof wmsWarehouseSchema>;

/** OMNISTREAM_WMS: JSON object, warehouse code → { secret, endpoint }. */
export const wmsDirectorySchema = z.record(z.string().regex(/^[A-Z0-9][A-Z0-9_-]*$/, 'warehouse codes are upper-case, e.g. WH-EAST'), wmsWarehouseSchema);
export type WmsDirectoryConfig = z.infer<typeof wmsDirectorySchema>;

/** Development only: the simulator's default port and well-known secrets. Never use them in production. */
export const DEV_WMS_DIRECTORY: WmsDirectoryConfig = {
  'WH-EAST': { secret: 'dev-wms-secret-wh-east', endpoint: 'http://127.0.0.1:8090/wms/WH-EAST' },
  'WH-SOUTH': { secret: 'dev-wms-secret-wh-south', endpoint: 'http://127.0.0.1:8090/wms/WH-SOUTH' },
  'WH-NORTH': { secret: 'dev-wms-secret-wh-north', endpoint: 'http://127.0.0.1:8090/wms/WH-NORTH' },
};

/** The warehouses whose WMS may push scans, and how to reach each one's API. */
export class WmsDirectory {
  private readonly byCode: ReadonlyMap<string, WmsWarehouse>;

  constructor(config: WmsDirectoryConfig) {
    this.byCode = new Map(Object.entries(wmsDirectorySchema.parse(config)));
  }

  get(warehouse: string): WmsWarehouse | undefined {
    return this.byCode.get(warehouse);
  }

  codes(): string[] {
    return [...this.byCode.keys()];
  }
}

/**
 * Reads OMNISTREAM_WMS (JSON). Absent: the dev defaults, unless `requireExplicit` (production)
 * says a missing setting is an error. Invalid JSON or shape: an error naming the problem.
 */
export function loadWmsDirectory(raw: string | undefined, opts: { requireExplicit?: boolean } = {}): WmsDirectory {
  if (raw === undefined || raw.trim() === '') {
    if (opts.requireExplicit) throw new Error('OMNISTREAM_WMS is not set: give each warehouse its WMS secret and endpoint');
    return new WmsDirectory(DEV_WMS_DIRECTORY);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error('OMNISTREAM_WMS is not valid JSON');
  }
  const parsed = wmsDirectorySchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `OMNISTREAM_WMS: ${parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return new WmsDirectory(parsed.data);
}

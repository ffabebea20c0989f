import { z } from 'zod';

/** OMNISTREAM_WAREHOUSES: shared by inventory (allocation) and routing (rules check). */
export const warehousesSetting = z
  .string()
  .default('WH-EAST')
  .transform((s) =>
    s
      .split(',')
      .map((w) => w.trim())
      .filter(Boolean),
  )
  .refine((list) => list.length > 0 && list.every((w) => /^[A-Za-z0-9_-]+(:[^,:]+)?$/u.test(w)), 'comma-separated CODE or CODE:province entries');

/** The inventory processor's settings. */
export const inventoryEnv = z.object({
  /**
   * Warehouses as CODE or CODE:province ("WH-EAST:浙江,WH-SOUTH:GD"): an order goes to the nearest
   * that can fill it; without locations, to the first in this order.
   */
  OMNISTREAM_WAREHOUSES: warehousesSetting,
  /** When no single warehouse can fill an order: reject it with the reason (none) or split it by line. */
  OMNISTREAM_SPLIT_RULE: z.enum(['none', 'by-line']).default('none'),
  /** Unpaid locks are released after this many minutes (0: never)… */
  OMNISTREAM_UNPAID_TIMEOUT_MINUTES: z.coerce.number().min(0).default(30),
  /** …or per channel: "pinduoduo=15,taobao=60". */
  OMNISTREAM_UNPAID_TIMEOUT_BY_CHANNEL: z
    .string()
    .default('')
    .refine((s) => s === '' || s.split(',').every((p) => /^\s*[a-z0-9_-]+\s*=\s*\d+(\.\d+)?\s*$/.test(p)), 'channel=minutes[,channel=minutes…]')
    .transform(
      (s) =>
        new Map(
          s
            ? s.split(',').map((p) => {
                const [c, m] = p.split('=');
                return [c!.trim(), Number(m)] as const;
              })
            : [],
        ),
    ),
});

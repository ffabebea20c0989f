import type { TopicId } from '../../topics/catalog.js';

/**
 * WMS connector topology.
 *   scans (HTTP push, POST /wms/:warehouse/scans) → fulfilmentEvents (PICKED/PACKED/SHIPPED),
 *                                                   stockMovements (one SCAN_OUT per scan-out)
 *   warehouseCommands (INTERCEPT) → WMS intercept API → commandOutcomes (RETRYING… SUCCEEDED|FAILED),
 *                                                      fulfilmentEvents (INTERCEPTED|INTERCEPT_FAILED)
 * State (Redis, `{ns}:wms-commands:`): per finished command, the records it produced, so a
 * redelivered command is never executed again and re-emits the same records.
 */
export const SCAN_OUTPUTS: readonly TopicId[] = ['fulfilmentEvents', 'stockMovements'];
export const INTERCEPT_GROUP = 'wms-commands';
export const INTERCEPT_INPUTS: readonly TopicId[] = ['warehouseCommands'];
export const INTERCEPT_OUTPUTS: readonly TopicId[] = ['commandOutcomes', 'fulfilmentEvents'];

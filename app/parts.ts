import { carrierTracking } from '../connectors/carriers/tracking-routes.js';
import { channelSources } from '../connectors/gateway/channel-sources.js';
import { webhookGateway } from '../connectors/gateway/server.js';
import { reconcileSource } from '../connectors/reconcile/schedule.js';
import { wmsScans } from '../connectors/wms/routes.js';
import { type AnyProcessorDefinition, partOf } from '../lib/processor/definition.js';
import { divergenceProcessor } from '../processors/divergence/processor.js';
import { inventoryProcessor } from '../processors/inventory/processor.js';
import { routingProcessor } from '../processors/routing/processor.js';
import { stockSyncProcessor } from '../processors/stock-sync/processor.js';
import { wavePlanner } from '../processors/waves/processor.js';
import { postgresSink } from '../sinks/postgres/sink.js';
import { stockPush } from '../sinks/stock-push/processor.js';
import { syncBack } from '../sinks/sync-back/processor.js';
import { waybillService } from '../sinks/waybills/processor.js';
import { interceptExecutor } from '../sinks/wms-commands/executor.js';

/**
 * Every component of the hub, by name, upstream first (Benthos' registry). The pipeline starts
 * them in this order and waits for them to drain in this order; `omnistream topology`, the AsyncAPI
 * document and the README's architecture table are derived from this list. Adding a processor:
 * its folder, plus one line here.
 */
export const COMPONENTS = [
  webhookGateway,
  channelSources,
  reconcileSource,
  wmsScans,
  carrierTracking,
  inventoryProcessor,
  stockSyncProcessor,
  stockPush,
  postgresSink,
  routingProcessor,
  wavePlanner,
  waybillService,
  interceptExecutor,
  divergenceProcessor,
  syncBack,
] as const satisfies readonly AnyProcessorDefinition[];

/** `omnistream run --only` parts, each a group of components that run together. */
export const PIPELINE_PARTS: readonly string[] = [...new Set(COMPONENTS.map(partOf))];
export type PipelinePart = string;

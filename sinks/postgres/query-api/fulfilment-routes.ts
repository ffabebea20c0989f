import type { FastifyPluginAsync } from 'fastify';
import { decodeTimeKeyCursor, encodeTimeKeyCursor, filterFingerprint } from './cursor.js';
import { type DivergenceFilters, type DivergenceRow, getFulfilment, listDivergences, listWaves } from './fulfilment-queries.js';
import { getFulfilmentSchema, listDivergencesSchema, listWavesSchema } from './fulfilment-schemas.js';
import type { Queryable } from './queries.js';
import { DEFAULT_LIMIT } from './schemas.js';

/**
 *   GET /waves?warehouse=&kind=&limit=&cursor=                 newest released first, keyset paginated
 *   GET /orders/:orderKey/fulfilment                           shipments, waybills, failures, timeline
 *   GET /divergences?type=&channel=&state=open|all&limit=&cursor=   newest opened first, keyset paginated
 */
const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export const divergenceOut = (r: DivergenceRow) => ({
  divergenceId: r.divergence_id,
  orderKey: r.order_key,
  channel: r.channel,
  type: r.type,
  state: r.state,
  views: { channel: r.channel_view, hub: r.hub_view, warehouse: r.warehouse_view, carrier: r.carrier_view },
  since: iso(r.since),
  openedAt: iso(r.opened_at),
  escalatedAt: isoOrNull(r.escalated_at),
  resolvedAt: isoOrNull(r.resolved_at),
  durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
  resolution: r.resolution,
  action: r.action,
  updatedAt: iso(r.updated_at),
});

export const fulfilmentRoutes: FastifyPluginAsync<{ pool: Queryable; schema: string }> = async (app, { pool, schema }) => {
  app.get<{ Querystring: { warehouse: string; kind?: string; limit?: number; cursor?: string } }>('/waves', { schema: listWavesSchema }, async (req) => {
    const { limit = DEFAULT_LIMIT, cursor, ...filters } = req.query;
    const fingerprint = filterFingerprint({ ...filters });
    const after = cursor ? decodeTimeKeyCursor('wave', cursor, fingerprint) : undefined;
    const rows = await listWaves(pool, schema, filters, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({
        waveId: r.wave_id,
        warehouse: r.warehouse,
        kind: r.kind,
        flagged: r.flagged,
        releasedAt: iso(r.released_at),
        shipmentCount: r.shipment_count,
      })),
      nextCursor: rows.length > limit && last ? encodeTimeKeyCursor('wave', { at: last.cursor_at, key: last.wave_id }, fingerprint) : null,
    };
  });

  app.get<{ Params: { orderKey: string } }>('/orders/:orderKey/fulfilment', { schema: getFulfilmentSchema }, async (req, reply) => {
    const f = await getFulfilment(pool, schema, req.params.orderKey);
    if (f.shipments.length === 0 && f.timeline.length === 0)
      return reply.code(404).send({ error: `nothing known about the fulfilment of ${req.params.orderKey}` });
    return {
      orderKey: req.params.orderKey,
      shipments: f.shipments.map((s) => ({
        shipmentId: s.shipment_id,
        warehouse: s.warehouse,
        carrier: s.carrier,
        service: s.service,
        flagged: s.flagged,
        reason: s.reason,
        routedAt: isoOrNull(s.routed_at),
        cutoffAt: isoOrNull(s.cutoff_at),
        waveId: s.wave_id,
        waybillNo: s.waybill_no,
        state: s.state,
        stateAt: isoOrNull(s.state_at),
      })),
      waybills: f.waybills.map((w) => ({ waybillNo: w.waybill_no, carrier: w.carrier, shipmentId: w.shipment_id, issuedAt: iso(w.issued_at) })),
      waybillFailures: f.failures.map((w) => ({
        eventId: w.event_id,
        shipmentId: w.shipment_id,
        carrier: w.carrier,
        reason: w.reason,
        failedAt: iso(w.failed_at),
      })),
      timeline: f.timeline.map((t) => ({ eventId: t.event_id, source: t.source, status: t.status, detail: t.detail, occurredAt: iso(t.occurred_at) })),
    };
  });

  app.get<{ Querystring: DivergenceFilters & { limit?: number; cursor?: string } }>('/divergences', { schema: listDivergencesSchema }, async (req) => {
    const { limit = DEFAULT_LIMIT, cursor, ...filters } = req.query;
    const fingerprint = filterFingerprint({ state: 'open', ...filters });
    const after = cursor ? decodeTimeKeyCursor('divergence', cursor, fingerprint) : undefined;
    const rows = await listDivergences(pool, schema, filters, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(divergenceOut),
      nextCursor: rows.length > limit && last ? encodeTimeKeyCursor('divergence', { at: last.cursor_at, key: last.divergence_id }, fingerprint) : null,
    };
  });
};

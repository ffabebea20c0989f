import { describe, expect, it } from 'vitest';
import { FULFILMENT_EVENT_KINDS } from '../../topics/schemas/fulfilment-event.js';
import { JD_TRACKING_STATUS } from './jd/status-map.js';
import { CARRIERS } from './registry.js';
import { SF_TRACKING_STATUS } from './sf/status-map.js';
import { toTrackingEvent } from './tracking-event.js';
import { YTO_TRACKING_STATUS } from './yto/status-map.js';
import { ZTO_TRACKING_STATUS } from './zto/status-map.js';

const TRACKING_KINDS = ['COLLECTED', 'IN_TRANSIT', 'DELIVERED', 'CARRIER_EXCEPTION'];

describe('carrier tracking status maps', () => {
  it.each(Object.values(CARRIERS).map((a) => [a.code, a.trackingStatusMap] as const))('%s maps only to tracking kinds, and covers all four', (_code, map) => {
    for (const kind of Object.values(map)) {
      expect(FULFILMENT_EVENT_KINDS).toContain(kind);
      expect(TRACKING_KINDS).toContain(kind);
    }
    expect(new Set(Object.values(map))).toEqual(new Set(TRACKING_KINDS));
  });

  it('maps the documented milestones', () => {
    expect([SF_TRACKING_STATUS['50'], SF_TRACKING_STATUS['80'], SF_TRACKING_STATUS['70']]).toEqual(['COLLECTED', 'DELIVERED', 'CARRIER_EXCEPTION']);
    expect([ZTO_TRACKING_STATUS.GOT, ZTO_TRACKING_STATUS.ARRIVAL, ZTO_TRACKING_STATUS.SIGNED, ZTO_TRACKING_STATUS.PROBLEM]).toEqual([
      'COLLECTED',
      'IN_TRANSIT',
      'DELIVERED',
      'CARRIER_EXCEPTION',
    ]);
    expect([YTO_TRACKING_STATUS.GOT, YTO_TRACKING_STATUS.SENT_SCAN, YTO_TRACKING_STATUS.SIGNED, YTO_TRACKING_STATUS.FAILED]).toEqual([
      'COLLECTED',
      'IN_TRANSIT',
      'DELIVERED',
      'CARRIER_EXCEPTION',
    ]);
    expect([JD_TRACKING_STATUS.揽收, JD_TRACKING_STATUS.妥投, JD_TRACKING_STATUS.拒收]).toEqual(['COLLECTED', 'DELIVERED', 'CARRIER_EXCEPTION']);
  });

  const record = {
    waybillNo: 'SF1',
    merchantOrderId: 'taobao:s1:100#WH-EAST',
    opCode: '80',
    occurredAt: 1_700_000_000_000,
    carrierEventId: null,
    description: '已签收',
  };

  it('builds a deterministic event from waybill + code + time when the carrier gives no id', () => {
    const a = toTrackingEvent('sf', SF_TRACKING_STATUS, record);
    expect(a).toEqual(toTrackingEvent('sf', SF_TRACKING_STATUS, record));
    expect(a).toMatchObject({
      ok: true,
      value: {
        eventId: 'tracking:SF:SF1:80:1700000000000',
        kind: 'DELIVERED',
        orderKey: 'taobao:s1:100',
        channel: 'taobao',
        warehouse: 'WH-EAST',
        source: 'tracking:SF',
      },
    });
  });

  it('keeps an unmapped code as IN_TRANSIT with the code in the reason, and refuses a foreign order id', () => {
    expect(toTrackingEvent('sf', SF_TRACKING_STATUS, { ...record, opCode: '9999' })).toMatchObject({
      ok: true,
      value: { kind: 'IN_TRANSIT', reason: 'unmapped SF code 9999: 已签收' },
    });
    expect(toTrackingEvent('sf', SF_TRACKING_STATUS, { ...record, merchantOrderId: 'ORDER-1' })).toMatchObject({ ok: false });
  });
});

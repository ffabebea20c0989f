import type { ShopConfig } from '../connectors/contract.js';
import { startDouyinSimulator } from '../simulators/douyin/index.js';
import { startJdSimulator } from '../simulators/jd/index.js';
import type { ListingStore } from '../simulators/kit/index.js';
import { startKuaishouSimulator } from '../simulators/kuaishou/index.js';
import { startMeituanSimulator } from '../simulators/meituan/index.js';
import { startPddSimulator } from '../simulators/pinduoduo/index.js';
import { startShopifySimulator } from '../simulators/shopify/index.js';
import { startTaobaoSimulator } from '../simulators/taobao/index.js';
import { startWechatSimulator } from '../simulators/wechat/index.js';
import { startYouzanSimulator } from '../simulators/youzan/index.js';

/*
 * One simulated shop per (channel, index): the channel's simulator with its listing store and its
 * documented stock rate limit, and the ShopConfig that reaches it (the credentials its own stock
 * tests use). Buyers buy from the listing store, which refuses once the listing shows too little.
 */
export interface FleetShop {
  shop: ShopConfig;
  listings: ListingStore;
  close(): Promise<void>;
}

export const FLEET_CHANNELS = ['taobao', 'jd', 'pinduoduo', 'douyin', 'kuaishou', 'wechat', 'youzan', 'meituan', 'shopify'] as const;

const wrap = (shop: ShopConfig, sim: { listings: ListingStore; close(): Promise<void> }): FleetShop => ({
  shop,
  listings: sim.listings,
  close: () => sim.close(),
});

export async function startFleetShop(channel: string, index: number): Promise<FleetShop> {
  const shopId = `${channel}-bench-${index}`;
  const base = { channel, shopId, brand: 'Omni' };
  switch (channel) {
    case 'taobao': {
      const sim = await startTaobaoSimulator({ appKey: '12345678', appSecret: 'bench-secret', sessionKey: 'bench-session' });
      return wrap({ ...base, secret: 'bench-secret', endpoint: sim.url, credentials: { appKey: '12345678', sessionKey: 'bench-session' } }, sim);
    }
    case 'jd': {
      const sim = await startJdSimulator({ appKey: 'AK-BENCH', accessToken: 'TOKEN-BENCH', secret: 'jd-bench-secret' });
      return wrap({ ...base, secret: 'jd-bench-secret', endpoint: sim.url, credentials: { appKey: 'AK-BENCH', accessToken: 'TOKEN-BENCH' } }, sim);
    }
    case 'pinduoduo': {
      const sim = await startPddSimulator({ clientId: 'pdd-bench', clientSecret: 'pdd-bench-secret', accessToken: 'pdd-token' });
      return wrap({ ...base, secret: 'pdd-bench-secret', endpoint: sim.url, credentials: { clientId: 'pdd-bench', accessToken: 'pdd-token' } }, sim);
    }
    case 'douyin': {
      const sim = await startDouyinSimulator({ appKey: '7012345678901234002', appSecret: 'dy-bench-secret', accessToken: 'dy-token' });
      return wrap({ ...base, secret: 'dy-bench-secret', endpoint: sim.url, credentials: { appKey: '7012345678901234002', accessToken: 'dy-token' } }, sim);
    }
    case 'kuaishou': {
      const ks = { appKey: 'ks699183844582124099', signSecret: 'ks-bench-secret', accessToken: 'ks-token' };
      const sim = await startKuaishouSimulator(ks);
      return wrap({ ...base, secret: 'bWVzc2FnZS1zZWNyZXQtMTIzNDU2Nzg5MDEyMzQ1Ng==', endpoint: sim.url, credentials: ks }, sim);
    }
    case 'wechat': {
      const sim = await startWechatSimulator({ appId: 'wxbench000000001', appSecret: 'wx-bench-secret' });
      return wrap(
        {
          ...base,
          secret: 'push-token',
          endpoint: sim.url,
          credentials: { appId: 'wxbench000000001', appSecret: 'wx-bench-secret', encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' },
        },
        sim,
      );
    }
    case 'youzan': {
      const sim = await startYouzanSimulator({ clientId: 'yzbench00000001', clientSecret: 'yz-bench-secret', kdtId: '41566521' });
      return wrap({ ...base, secret: 'yz-bench-secret', endpoint: sim.url, credentials: { clientId: 'yzbench00000001', kdtId: '41566521' } }, sim);
    }
    case 'meituan': {
      const poi = `poi-bench-${index}`;
      const sim = await startMeituanSimulator({ appId: '4602', secret: 'mt-bench-secret', appPoiCode: poi });
      return wrap(
        { ...base, shopId: poi, secret: 'mt-bench-secret', endpoint: sim.apiBase, credentials: { appId: '4602', appPoiCode: poi, pushUrl: 'https://h/cb' } },
        sim,
      );
    }
    case 'shopify': {
      const sim = await startShopifySimulator({ accessToken: 'shpat_bench_0123456789' });
      return wrap(
        {
          ...base,
          shopId: `bench-${index}.myshopify.com`,
          secret: 'shpss_bench',
          endpoint: sim.url,
          credentials: { accessToken: 'shpat_bench_0123456789', locationId: sim.locationId },
        },
        sim,
      );
    }
    default:
      throw new Error(`no simulator for channel ${channel}`);
  }
}

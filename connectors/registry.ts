import type { AnyChannelConnector } from './contract.js';
import { douyin } from './douyin/index.js';
import { jd } from './jd/index.js';
import { kuaishou } from './kuaishou/index.js';
import { meituan } from './meituan/index.js';
import { pinduoduo } from './pinduoduo/index.js';
import { shopify } from './shopify/index.js';
import { taobao } from './taobao/index.js';
import { wechat } from './wechat/index.js';
import { youzan } from './youzan/index.js';

/** Every channel the hub speaks, by name. Adding a channel: its folder, plus one line here. */
export const CONNECTORS: Readonly<Record<string, AnyChannelConnector>> = {
  douyin,
  jd,
  kuaishou,
  meituan,
  pinduoduo,
  shopify,
  taobao,
  wechat,
  youzan,
};

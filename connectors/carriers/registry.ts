import type { CarrierAdapter } from './contract.js';
import { jd } from './jd/index.js';
import { sf } from './sf/index.js';
import { yto } from './yto/index.js';
import { zto } from './zto/index.js';

/** Every carrier the hub can ship with, by code. Adding a carrier: one folder plus one line here. */
export const CARRIERS: Readonly<Record<string, CarrierAdapter>> = { sf, zto, yto, jd };

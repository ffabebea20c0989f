import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * Paths that may hold buyer PII anywhere in a logged object. pino removes them before a line is
 * written, so a careless `log.info({ payload })` still cannot leak a name, phone or address.
 */
export const PII_PATHS = [
  '*.name',
  '*.first_name',
  '*.last_name',
  '*.phone',
  '*.email',
  '*.address1',
  '*.address2',
  '*.zip',
  '*.receiver_name',
  '*.receiver_mobile',
  '*.receiver_address',
  '*.customer',
  '*.shipping_address',
  '*.billing_address',
  'payload',
  '*.payload',
  'body',
  '*.body',
  'rawBody',
  'req.headers["x-shopify-hmac-sha256"]',
  'secret',
  '*.secret',
];

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  const options = { name, level, redact: { paths: PII_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };

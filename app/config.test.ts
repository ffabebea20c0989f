import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration from the environment', () => {
  it('defaults to the local stack', () => {
    const c = loadConfig({});
    expect(c.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(c.SCHEMA_REGISTRY_URL).toBe('http://127.0.0.1:8081/apis/ccompat/v7');
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(c.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/test');
    expect(c.OMNISTREAM_WAREHOUSES).toEqual(['WH-EAST']);
  });

  it('parses lists', () => {
    const c = loadConfig({ KAFKA_BROKERS: 'a:9092, b:9093', OMNISTREAM_WAREHOUSES: 'WH-1,WH-2' });
    expect(c.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(c.OMNISTREAM_WAREHOUSES).toEqual(['WH-1', 'WH-2']);
  });

  it.each([
    ['KAFKA_BROKERS', 'localhost'],
    ['REDIS_URL', 'localhost:6379'],
    ['DATABASE_URL', 'mysql://x'],
    ['OMNISTREAM_HTTP_PORT', '70000'],
    ['OMNISTREAM_PG_SCHEMA', 'Drop Table'],
    ['OMNISTREAM_NAMESPACE', 'UPPER'],
    ['LOG_LEVEL', 'loud'],
  ])('names the variable when %s=%s is wrong', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^invalid configuration:\\n  ${name}: `));
  });
});

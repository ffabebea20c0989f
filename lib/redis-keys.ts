/**
 * Every Redis key of the hub starts with its namespace as a hash tag, `{ns}:`, so one namespace's
 * keys share a slot (multi-key Lua stays legal on a cluster) and a reset can find them all.
 * The empty (production) namespace is tagged `{omnistream}`.
 */
export function redisPrefix(namespace: string, store: string): string {
  return `{${namespace || 'omnistream'}}:${store}:`;
}

import { pyJsonDumps } from '../cache/py-json.js';

/**
 * Python's json.dumps(value) without sort_keys, as botocore's JSONFileCache writes the SSO
 * caches: keys in insertion order, ", " and ": " separators, ASCII-only, undefined left out.
 */
export function pyJsonDumpsInOrder(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return pyJsonDumps(value);
  const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
  return `{${entries.map(([key, item]) => `${pyJsonDumps(key)}: ${pyJsonDumpsInOrder(item)}`).join(', ')}}`;
}

/** json.dumps(value, sort_keys=True, separators=(',', ':')) of flat string values: botocore's SSO role cache key. */
export function pyJsonCompactSorted(value: Record<string, string>): string {
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${pyJsonDumps(key)}:${pyJsonDumps(item)}`).join(',')}}`;
}

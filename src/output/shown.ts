/** A value quoted for a one-line message: control characters escaped, long values cut. */
export function shown(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 61)}...` : value);
}

/**
 * Masks an access key id for messages: `****` and the last 4 characters (`****MPLE`).
 * An id of 4 characters or fewer would be shown whole, so it becomes `****`.
 */
export function maskKeyId(id: string): string {
  const chars = Array.from(id);
  if (chars.length <= 4) return '****';
  return `****${chars.slice(-4).join('')}`;
}

/**
 * botocore's ensure_boolean on a string: `true` in any case, nothing else (not `1`, not `yes`).
 */
export function isTrue(value: string): boolean {
  return value.toLowerCase() === 'true';
}

/** As isTrue, after trimming surrounding whitespace; unset is false (the STS endpoint settings). */
export function isTrimmedTrue(value: string | undefined): boolean {
  return value !== undefined && isTrue(value.trim());
}

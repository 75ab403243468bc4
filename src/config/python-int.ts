/**
 * Python's int() on a setting, as botocore applies it: optional sign, digits with single
 * underscores between them, spaces around. Undefined where int() would raise.
 */
export function pythonInt(text: string): number | undefined {
  const match = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/.exec(text);
  if (match === null) return undefined;
  const magnitude = Number((match[2] ?? '0').replace(/_/g, ''));
  return match[1] === '-' ? -magnitude : magnitude;
}

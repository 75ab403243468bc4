/**
 * Decodes a config or credentials file as Python reads it: strict UTF-8, and a BOM kept as a
 * character (botocore then fails on it, and so must awsrole).
 */
export const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

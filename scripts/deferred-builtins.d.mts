/** `node:<id>` of each built-in scripts/build.mjs loads on first use of an export. */
export const DEFERRED_BUILTINS: ReadonlySet<string>;

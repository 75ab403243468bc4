// Which Node built-ins the build defers (scripts/build.mjs bundles each built-in as a shim; these
// load only when one of their exports is first used). A module of its own so that the start-up
// rules test (test/build/startup-rules.test.ts) checks its exceptions against the same list.

/**
 * Built-ins that cost a millisecond or more to load and that start-up code imports for a path
 * it rarely takes (commander's executable subcommands and deps.ts's spawn → child_process;
 * cache keys → crypto; IP checks of custom endpoints → net; HTTP to IMDS, containers and STS
 * → http, https; the SDK's HTTP/2 handler and compression → http2, zlib; the home folder
 * without $HOME, and signal numbers → os, ~0.3 ms).
 */
export const DEFERRED_BUILTINS = new Set(['child_process', 'crypto', 'fs/promises', 'net', 'tty', 'http', 'https', 'http2', 'zlib', 'os'].map((id) => `node:${id}`));

import { realDeps } from './deps.js';
import { run } from './main.js';

/** The CLI bundle's entry (dist/cli.cjs), called by src/bin.ts. */
export async function start(): Promise<void> {
  process.exitCode = await run(realDeps(), process.argv);
}

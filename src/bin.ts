import { realDeps } from './deps.js';
import { run } from './main.js';

process.exitCode = await run(realDeps(), process.argv);

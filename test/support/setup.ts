/** Loaded before every test file (vitest setupFiles): what any test starts is stopped and removed. */
import { afterAll, afterEach, beforeEach } from 'vitest';
import { cleanUpOnExit, enterTest, leaveFile, leaveTest } from './cleanup.js';

cleanUpOnExit();
// The CLI runs in this process too (run() with test deps): the SDK's Node-version notice is noise here, as in .ci/run.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
beforeEach(enterTest);
afterEach(leaveTest);
afterAll(leaveFile);

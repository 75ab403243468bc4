/** Loaded before every test file (vitest setupFiles): what any test starts is stopped and removed. */
import { afterAll, afterEach, beforeEach } from 'vitest';
import { cleanUpOnExit, enterTest, leaveFile, leaveTest } from './cleanup.js';

cleanUpOnExit();
beforeEach(enterTest);
afterEach(leaveTest);
afterAll(leaveFile);

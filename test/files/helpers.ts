import { rmSync } from 'node:fs';
import { realDeps, type Deps, type OutStream } from '../../src/deps.js';
import type { Credentials } from '../../src/chain/types.js';
import { tempDir } from '../support/cleanup.js';

export interface BufferStream extends OutStream {
  text(): string;
}

export function bufferStream(): BufferStream {
  let buffer = '';
  return { isTTY: false, write: (text) => void (buffer += text), text: () => buffer };
}

const homes: string[] = [];

/** A fresh HOME folder (its real path, so symlink tests compare like with like); see removeHomes. */
export function makeHome(): string {
  const home = tempDir('awsrole-files-');
  homes.push(home);
  return home;
}

/** Removes the folders makeHome made (call from afterAll). */
export function removeHomes(): void {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
}

export type FileTestDeps = Deps & { stderr: BufferStream; sleeps: number[] };

/**
 * The real file system in a temp HOME, a clean environment, buffered stderr, and sleeps that
 * are recorded (then passed to `sleep` when given, else really waited unless `fakeSleep`).
 */
export function fileDeps(home: string, overrides: Partial<Deps> & { fakeSleep?: boolean } = {}): FileTestDeps {
  const { fakeSleep, ...rest } = overrides;
  const sleeps: number[] = [];
  const real = realDeps();
  return {
    ...real,
    env: { HOME: home },
    homedir: home,
    cwd: home,
    stdout: bufferStream(),
    readStdin: async () => '',
    ...rest,
    stderr: bufferStream(),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      if (rest.sleep !== undefined) await rest.sleep(ms);
      else if (!fakeSleep) await real.sleep(ms);
    },
    sleeps,
  };
}

/** Credentials for profile `tag` with a session token of `size` characters (deterministic). */
export function sampleCredentials(tag: string, size = 40): Credentials {
  return {
    accessKeyId: `ASIA${tag.toUpperCase().replace(/[^A-Z0-9]/g, 'X').padStart(16, '0').slice(-16)}`,
    secretAccessKey: `secret/${tag}+SECRETCANARY`,
    sessionToken: `TOKENCANARY-${tag}-`.padEnd(size, tag.slice(-1) || 'x'),
    expiration: new Date(Date.UTC(2030, 0, 1, 1, 0, 0)),
  };
}

/** A reader that goes away early (`awsrole profiles | head -1`) is not an internal error. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWSROLE_BIN, CLI_BUILT, makeHome, NOT_BUILT, spawnCollect, type FakeHome } from '../support/cli.js';

describe.skipIf(!CLI_BUILT)(`stdout closed by its reader (${CLI_BUILT ? 'built' : NOT_BUILT})`, () => {
  let home: FakeHome;
  beforeAll(async () => {
    const profiles = Array.from({ length: 3000 }, (_, index) => `[profile p${index}]\nregion = eu-west-1\n`).join('');
    home = await makeHome({ '.aws/config': profiles });
  });
  afterAll(() => home.cleanup());

  it.each([['profiles'], ['assume', '--help']])('%s into a pipe whose reader has exited: exit 0, nothing on stderr', async (...args) => {
    // `true` exits without reading, long before node has started: awsrole's write meets EPIPE.
    const script = `"$AWSROLE" "$@" | true; echo "status=\${PIPESTATUS[0]}"`;
    const result = await spawnCollect('bash', ['-c', script, 'bash', ...args], { ...home.env, AWSROLE: AWSROLE_BIN });
    expect(result.stdout).toBe('status=0\n');
    expect(result.stderr).toBe('');
  });
});

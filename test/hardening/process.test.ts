/** Issue 10 item 13: a credential_process that cannot start says why, naming PATH for a bare name. */
import { describe, expect, it } from 'vitest';
import { makeHome } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';

async function exportWith(helper: string) {
  const home = await makeHome({ '.aws/config': `[profile p]\ncredential_process = ${helper}\n` });
  try {
    return await runInProcess(['export', '--profile', 'p'], { ...home.env, PATH: '/usr/bin:/bin' });
  } finally {
    await home.cleanup();
  }
}

describe('a credential_process that cannot start', () => {
  it('a bare name not on PATH: names PATH and shows it', async () => {
    const result = await exportWith('awsrole-no-such-helper --flag');
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'awsrole: custom-process: credential_process of profile p could not be started: `awsrole-no-such-helper` was not found on PATH\n' +
        '  hint: PATH is "/usr/bin:/bin" here; a shell or an IDE with another PATH may find it where awsrole does not: write its full path in credential_process, or add its folder to the PATH awsrole runs with\n',
    );
  });

  it('a path that does not exist', async () => {
    const result = await exportWith('/nonexistent/awsrole-helper');
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'awsrole: custom-process: credential_process of profile p could not be started: `/nonexistent/awsrole-helper` does not exist\n  hint: check the path in credential_process\n',
    );
  });

  it('a file that is not executable', async () => {
    let helper = '';
    const home = await makeHome();
    try {
      helper = await home.write('helper.sh', '#!/bin/sh\necho {}\n', 0o600);
      await home.write('.aws/config', `[profile p]\ncredential_process = ${helper}\n`);
      const result = await runInProcess(['export', '--profile', 'p'], home.env);
      expect(result.code).toBe(3);
      expect(result.stderr).toBe(
        `awsrole: custom-process: credential_process of profile p could not be started: \`${helper}\` is not executable\n  hint: check its permissions (chmod +x) and its folder's\n`,
      );
    } finally {
      await home.cleanup();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { nodeFileSystem } from '../../src/deps.js';
import { ConfigError, CredentialError } from '../../src/errors.js';
import { linkContext, linkDeps, outcomeOf, textOf } from '../support/link.js';
import type { Section } from '../../src/config/shared-config.js';
import type { ChainContext, WebIdentityRequest } from '../../src/chain/types.js';
import { webIdentityLink } from '../../src/chain/web-identity.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.secret-token-TOKENCANARY';
const ROLE = 'arn:aws:iam::111122223333:role/web';

function setup(env: Record<string, string>, config: Section | undefined, files: Record<string, string> = {}, from: ChainContext['profile']['from'] = 'default') {
  const requests: WebIdentityRequest[] = [];
  const deps = linkDeps(env, {
    fs: {
      ...nodeFileSystem,
      readText: async (path) => {
        if (path === '/tokens/denied') throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
        return files[path];
      },
    },
  });
  const base = linkContext(deps, config);
  const context: ChainContext = {
    ...base,
    profile: { name: 'default', from },
    services: {
      ...base.services,
      assumeRoleWithWebIdentity: async (request) => {
        requests.push(request);
        return { accessKeyId: 'ASIAWEBEXAMPLE000001', secretAccessKey: 'web-SECRETCANARY', sessionToken: 'tok' };
      },
    },
  };
  return { context, requests };
}

describe('assume-role-with-web-identity link', () => {
  it('skips when no token file is configured', async () => {
    const { context } = setup({ AWS_ROLE_ARN: ROLE }, { role_arn: ROLE });
    expect((await outcomeOf(() => webIdentityLink.resolve(context))).kind).toBe('skip');
  });

  it('takes each setting from the environment, else the profile, and sends the token as read', async () => {
    const { context, requests } = setup({ AWS_WEB_IDENTITY_TOKEN_FILE: '/tokens/t', AWS_ROLE_SESSION_NAME: 'ci' }, { role_arn: ROLE, role_session_name: 'ignored' }, { '/tokens/t': TOKEN });
    const outcome = await outcomeOf(() => webIdentityLink.resolve(context));
    expect(outcome.kind).toBe('found');
    expect(requests).toEqual([{ roleArn: ROLE, roleSessionName: 'ci', webIdentityToken: TOKEN, profile: 'default' }]);
    expect(textOf(outcome)).not.toContain(TOKEN);
  });

  it('ignores the environment under --profile', async () => {
    const { context } = setup({ AWS_WEB_IDENTITY_TOKEN_FILE: '/tokens/t', AWS_ROLE_ARN: ROLE }, undefined, { '/tokens/t': TOKEN }, '--profile');
    expect((await outcomeOf(() => webIdentityLink.resolve(context))).kind).toBe('skip');
  });

  it('a token file without a role ARN is a config error (exit 5)', async () => {
    const { context } = setup({}, { web_identity_token_file: '/tokens/t' }, { '/tokens/t': TOKEN });
    const outcome = await outcomeOf(() => webIdentityLink.resolve(context));
    expect(outcome.kind === 'error' && outcome.error).toBeInstanceOf(ConfigError);
  });

  it('a missing or unreadable token file names the file, never a token', async () => {
    for (const path of ['/tokens/missing', '/tokens/denied']) {
      const { context, requests } = setup({ AWS_WEB_IDENTITY_TOKEN_FILE: path, AWS_ROLE_ARN: ROLE }, undefined);
      const outcome = await outcomeOf(() => webIdentityLink.resolve(context));
      expect(outcome.kind === 'error' && outcome.error).toBeInstanceOf(CredentialError);
      expect(textOf(outcome)).toContain(path);
      expect(requests).toEqual([]);
    }
  });
});

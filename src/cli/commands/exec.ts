import type { Credentials } from '../../chain/types.js';
import type { Deps } from '../../deps.js';
import { UsageError } from '../../errors.js';
import { ALL_CREDENTIAL_VARIABLES, credentialEnv } from '../../output/index.js';
import { defineCommand } from '../command.js';
import { ASSUME_OPTIONS, MFA_SYNONYM_OPTIONS } from '../option-sets.js';
import { obtainCredentials } from './assume.js';

/** Variables that would make the child pick other credentials than the ones given to it. */
const CONFLICTING = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_CREDENTIAL_FILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN', 'AWS_ROLE_SESSION_NAME', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'];

export function childEnv(env: Deps['env'], credentials: Credentials, region: string | undefined): Record<string, string | undefined> {
  const child: Record<string, string | undefined> = { ...env };
  for (const name of [...CONFLICTING, ...ALL_CREDENTIAL_VARIABLES]) delete child[name];
  const change = credentialEnv(credentials, region);
  for (const [name, value] of change.set) child[name] = value;
  return child;
}

/** `awsrole exec [options] -- CMD ARGS...`: credentials in the child's environment only. */
export const execCommand = defineCommand({
  name: 'exec',
  description: 'run a command with the credentials in its environment only',
  examples: ['awsrole exec --profile prod -- aws s3 ls'],
  options: [...ASSUME_OPTIONS, ...MFA_SYNONYM_OPTIONS],
  argument: { syntax: '[command...]', description: 'the command and its arguments, after --' },
  passThrough: true,
  async run(deps, options, command) {
    if (command.length === 0) throw new UsageError('exec needs a command after --', 'awsrole exec --profile prod -- aws s3 ls');
    const { credentials, region } = await obtainCredentials(deps, options, { allowPlain: true });
    return deps.execChild(command, childEnv(deps.env, credentials, region));
  },
});

import type { Credentials } from '../../chain/types.js';
import type { Deps } from '../../deps.js';
import { UsageError } from '../../errors.js';
import { ALL_CREDENTIAL_VARIABLES, credentialEnv } from '../../output/index.js';
import { defineCommand } from '../command.js';
import { ASSUME_OPTIONS, MFA_SYNONYM_OPTIONS } from '../option-sets.js';
import { obtainCredentials, type AssumeOptions } from './assume.js';

/** Variables that would make the child pick other credentials than the ones given to it. */
export const CONFLICTING = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_CREDENTIAL_FILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN', 'AWS_ROLE_SESSION_NAME', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'];

/** The parent's environment without anything that names credentials. */
function cleanedEnv(env: Deps['env']): Record<string, string | undefined> {
  const child: Record<string, string | undefined> = { ...env };
  for (const name of [...CONFLICTING, ...ALL_CREDENTIAL_VARIABLES]) delete child[name];
  return child;
}

export function childEnv(env: Deps['env'], credentials: Credentials, region: string | undefined): Record<string, string | undefined> {
  const child = cleanedEnv(env);
  const change = credentialEnv(credentials, region);
  for (const [name, value] of change.set) child[name] = value;
  return child;
}

const REGION_VARIABLES: readonly string[] = ['AWS_REGION', 'AWS_DEFAULT_REGION'];

/** exec --server: no keys at all, the endpoint's two variables, and the region as plain exec sets it. */
export function serverChildEnv(env: Deps['env'], endpoint: { url: string; token: string }, credentials: Credentials, region: string | undefined): Record<string, string | undefined> {
  const child = cleanedEnv(env);
  for (const [name, value] of credentialEnv(credentials, region).set) if (REGION_VARIABLES.includes(name)) child[name] = value;
  child['AWS_CONTAINER_CREDENTIALS_FULL_URI'] = endpoint.url;
  child['AWS_CONTAINER_AUTHORIZATION_TOKEN'] = endpoint.token;
  return child;
}

/** The endpoint listens exactly as long as the child runs. */
async function execWithServer(deps: Deps, options: AssumeOptions, command: readonly string[]): Promise<number> {
  const { startServing, warnIfShadowed } = await import('./serve.js');
  const serving = await startServing(deps, options);
  const { endpoint, region, credentials } = serving;
  try {
    const env = serverChildEnv(deps.env, endpoint, credentials, region);
    warnIfShadowed(deps, serving, env);
    return await deps.execChild(command, env);
  } finally {
    await endpoint.listener.close();
  }
}

/** `awsrole exec [options] -- CMD ARGS...`: credentials in the child's environment only. */
export const execCommand = defineCommand({
  name: 'exec',
  description: 'run a command with the credentials in its environment only',
  examples: ['awsrole exec --profile prod -- aws s3 ls', 'awsrole exec --server --profile prod -- terraform apply'],
  options: [...ASSUME_OPTIONS, ...MFA_SYNONYM_OPTIONS, { flags: '--server', description: 'serve refreshing credentials on 127.0.0.1 to the command (container credentials) instead of keys' }],
  argument: { syntax: '[command...]', description: 'the command and its arguments, after --' },
  passThrough: true,
  async run(deps, options, command) {
    if (command.length === 0) throw new UsageError('exec needs a command after --', 'awsrole exec --profile prod -- aws s3 ls');
    if (options.server === true) return execWithServer(deps, options, command);
    const { credentials, region } = await obtainCredentials(deps, options, { allowPlain: true });
    return deps.execChild(command, childEnv(deps.env, credentials, region));
  },
});

import type { Credentials } from '../domain/credentials.js';
import { UsageError } from '../errors.js';
import { credentialEnv, renderEnv, unsetEnv, withSetRecord } from './env.js';
import { isEnvFormat, type OutputFormat } from './formats.js';
import { renderCredentialsJson, renderProcess } from './json.js';

export {
  ALL_CREDENTIAL_VARIABLES,
  CREDENTIAL_ONLY_VARIABLES,
  credentialEnv,
  quoteDotenv,
  quoteFish,
  quotePowerShell,
  quoteSh,
  recordedVariables,
  renderEnv,
  SET_RECORD,
  unsetEnv,
  withSetRecord,
  type CredentialVariable,
  type EnvChange,
} from './env.js';
export { formatExpiration } from './expiration.js';
export {
  defaultFormat,
  ENV_FORMATS,
  isEnvFormat,
  OUTPUT_FORMATS,
  parseFormat,
  type EnvFormat,
  type OutputFormat,
} from './formats.js';
export { renderCredentialsJson, renderJson, renderProcess } from './json.js';
export { maskKeyId } from './mask.js';

/**
 * The whole stdout payload for credentials in the chosen format. Shell formats also record what
 * they change in `env`, the environment they will be evaluated in (SET_RECORD, see withSetRecord);
 * a dotenv file is read by other tools, which have no use for it.
 */
export function renderCredentials(format: OutputFormat, credentials: Credentials, region?: string, env?: Readonly<Record<string, string | undefined>>): string {
  if (format === 'json') return renderCredentialsJson(credentials, region);
  if (format === 'process') return renderProcess(credentials);
  const change = credentialEnv(credentials, region);
  return renderEnv(format, format === 'dotenv' ? change : withSetRecord(change, env));
}

/** `awsrole unset`: the lines that remove what `record` (SET_RECORD's value) says awsrole set; without one, the credential variables. */
export function renderUnset(format: OutputFormat, record?: string): string {
  if (!isEnvFormat(format) || format === 'dotenv') {
    throw new UsageError(
      `--format ${format} cannot remove variables`,
      'use --format sh, fish, powershell or cmd (the default follows $SHELL)',
    );
  }
  return renderEnv(format, unsetEnv(record));
}

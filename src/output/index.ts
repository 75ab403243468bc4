import type { Credentials } from '../domain/credentials.js';
import { UsageError } from '../errors.js';
import { ALL_CREDENTIAL_VARIABLES, credentialEnv, renderEnv } from './env.js';
import { isEnvFormat, type OutputFormat } from './formats.js';
import { renderCredentialsJson, renderProcess } from './json.js';

export {
  ALL_CREDENTIAL_VARIABLES,
  credentialEnv,
  quoteDotenv,
  quoteFish,
  quotePowerShell,
  quoteSh,
  renderEnv,
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

/** The whole stdout payload for credentials in the chosen format. */
export function renderCredentials(format: OutputFormat, credentials: Credentials, region?: string): string {
  if (format === 'json') return renderCredentialsJson(credentials, region);
  if (format === 'process') return renderProcess(credentials);
  return renderEnv(format, credentialEnv(credentials, region));
}

/** `awsrole unset`: the lines that remove every variable in ALL_CREDENTIAL_VARIABLES. */
export function renderUnset(format: OutputFormat): string {
  if (!isEnvFormat(format) || format === 'dotenv') {
    throw new UsageError(
      `--format ${format} cannot remove variables`,
      'use --format sh, fish, powershell or cmd (the default follows $SHELL)',
    );
  }
  return renderEnv(format, { set: [], unset: ALL_CREDENTIAL_VARIABLES });
}

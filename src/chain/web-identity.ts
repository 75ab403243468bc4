import { isAbsolute, join } from 'node:path';
import { AwsroleError, ChainSkip, ConfigError, CredentialError, ExitCode } from '../errors.js';
import { displayPath } from '../config/paths.js';
import { mergedProfile, stringValue } from '../config/shared-config.js';
import { roleArnProblem, sessionNameProblem } from '../sts/validate.js';
import { configuredSessionName, defaultSessionName } from './session-name.js';
import { defineLink, isProfileFlag, type ChainContext, type LinkResult } from './types.js';

/** botocore's AssumeRoleWithWebIdentityProvider._CONFIG_TO_ENV_VAR */
const ENV_VARS = {
  web_identity_token_file: 'AWS_WEB_IDENTITY_TOKEN_FILE',
  role_arn: 'AWS_ROLE_ARN',
  role_session_name: 'AWS_ROLE_SESSION_NAME',
} as const;

type Key = keyof typeof ENV_VARS;

interface Setting {
  value: string;
  /** "AWS_ROLE_ARN" or "role_arn of profile dev", for messages. */
  from: string;
}

/** Each setting on its own: the environment (unless disabled), else the profile's merged view. */
function setting(context: ChainContext, profile: string, key: Key, envAllowed: boolean): Setting | undefined {
  const variable = ENV_VARS[key];
  const fromEnv = envAllowed ? context.deps.env[variable] : undefined;
  if (fromEnv !== undefined) return { value: fromEnv, from: variable };
  const fromProfile = stringValue(mergedProfile(context.config, profile), key);
  return fromProfile === undefined ? undefined : { value: fromProfile, from: `${key} of profile ${profile}` };
}

function checked(found: Setting | undefined, problem: (value: string) => string | undefined): string | undefined {
  if (found === undefined) return undefined;
  const message = problem(found.value);
  if (message) throw new ConfigError(`${found.from}: ${message}`, `fix ${found.from}`);
  return found.value;
}

/** The token, read afresh each time (the issuer rotates the file); its content is never shown. */
async function readToken(context: ChainContext, tokenFile: Setting): Promise<string> {
  const { deps } = context;
  // botocore opens the path as given: no ~ expansion, relative to the working directory.
  const path = isAbsolute(tokenFile.value) ? tokenFile.value : join(deps.cwd, tokenFile.value);
  const shown = displayPath(path, deps.env, deps.homedir);
  let text: string | undefined;
  try {
    text = await deps.fs.readText(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new CredentialError(`web identity token file ${shown} (${tokenFile.from}) cannot be read (${code})`, 'check the path and its permissions');
  }
  if (text === undefined) {
    throw new CredentialError(`web identity token file ${shown} (${tokenFile.from}) does not exist`, `check ${tokenFile.from}; the token's issuer (e.g. the pod's service account) writes it`);
  }
  return text;
}

/**
 * botocore's AssumeRoleWithWebIdentityProvider for `profile`: ChainSkip when no token file is
 * configured. `envAllowed` is false under --profile and for a source_profile (disable_env_vars).
 */
export async function fromWebIdentity(context: ChainContext, profile: string, envAllowed: boolean): Promise<LinkResult> {
  const tokenFile = setting(context, profile, 'web_identity_token_file', envAllowed);
  // botocore: `if not token_path` (an empty value counts as unset).
  if (tokenFile === undefined || tokenFile.value === '') {
    throw new ChainSkip(`no AWS_WEB_IDENTITY_TOKEN_FILE${envAllowed ? '' : ' (not read here)'} and no web_identity_token_file in profile ${profile}`);
  }
  const roleArnSetting = setting(context, profile, 'role_arn', envAllowed);
  if (roleArnSetting === undefined || roleArnSetting.value === '') {
    throw new ConfigError(
      `${tokenFile.from} is set, but no role ARN is configured for web identity`,
      `set role_arn in profile ${profile} or AWS_ROLE_ARN`,
    );
  }
  const roleArn = checked(roleArnSetting, roleArnProblem) ?? '';
  const sessionNameSetting = setting(context, profile, 'role_session_name', envAllowed);
  const sessionName = configuredSessionName(sessionNameSetting?.value) === undefined ? undefined : checked(sessionNameSetting, sessionNameProblem);
  const webIdentityToken = await readToken(context, tokenFile);
  const assume = context.services.assumeRoleWithWebIdentity;
  if (assume === undefined) throw new AwsroleError('web identity: no STS client is available here', ExitCode.internal);
  const credentials = await assume({
    roleArn,
    roleSessionName: sessionName ?? defaultSessionName(context.deps),
    webIdentityToken,
    profile,
  });
  return { credentials, detail: `role ${roleArn} with the web identity token in ${tokenFile.from}` };
}

/** Link: AssumeRoleWithWebIdentity (right after assume-role, as botocore orders it). */
export const webIdentityLink = defineLink({
  name: 'assume-role-with-web-identity',
  resolve: (context) => fromWebIdentity(context, context.profile.name, !isProfileFlag(context.profile.from)),
  // A source_profile's own providers never read the environment (botocore: disable_env_vars).
  resolveProfile: (context, profile) => fromWebIdentity(context, profile, false),
  givesRoleSession: true,
  describe: (context) => {
    const found = setting(context, context.profile.name, 'web_identity_token_file', !isProfileFlag(context.profile.from));
    return found === undefined || found.value === '' ? undefined : `the web identity token in ${found.from}`;
  },
});

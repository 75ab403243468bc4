import { mergedProfile, stringValue } from '../config/shared-config.js';
import { shown } from '../domain/text.js';
import type { ChainContext } from './types.js';

interface Unsupported {
  message: string;
  hint: string;
}

/** The AWS CLI signs in and turns the profile into credentials; awsrole reads them through credential_process. */
function bridgeHint(profile: string): string {
  const quoted = /^[\w.@-]+$/.test(profile) ? profile : shown(profile);
  return (
    `until awsrole supports it, bridge it with the AWS CLI: \`aws login --profile ${quoted}\`, then use a profile with ` +
    `credential_process = aws configure export-credentials --profile ${quoted} --format process`
  );
}

/**
 * A profile whose source awsrole has no link for yet (`aws login`): named as
 * what it is instead of "no credentials found", with what bridges it today.
 */
export function unsupportedSource(context: ChainContext): Unsupported | undefined {
  const name = context.profile.name;
  const section = mergedProfile(context.config, name);
  if (stringValue(section, 'login_session') !== undefined) {
    return { message: `profile ${shown(name)} is an \`aws login\` session profile, which awsrole cannot use yet`, hint: bridgeHint(name) };
  }
  return undefined;
}

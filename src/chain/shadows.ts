import { displayPath } from '../config/paths.js';
import { mergedProfile, stringValue } from '../config/shared-config.js';
import { isProfileFlag, type ChainContext, type LinkName } from './types.js';
import { webIdentityTokenSetting } from './web-identity.js';

type Describe = (context: ChainContext) => string | undefined;

function keysIn(context: ChainContext, file: 'config' | 'credentials'): string | undefined {
  const name = context.profile.name;
  const profiles = file === 'config' ? context.config.configProfiles : context.config.credentialsProfiles;
  const path = file === 'config' ? context.config.configPath : context.config.credentialsPath;
  if (stringValue(profiles.get(name), 'aws_access_key_id') === undefined) return undefined;
  return `keys of profile ${name} in ${displayPath(path, context.deps.env, context.deps.homedir)}`;
}

/** What a later link would have offered, judged from settings alone (no I/O, no network). */
const DESCRIBERS: Partial<Record<LinkName, Describe>> = {
  env: ({ deps, profile }) => (!isProfileFlag(profile.from) && deps.env['AWS_ACCESS_KEY_ID'] ? 'AWS_ACCESS_KEY_ID in the environment' : undefined),
  'assume-role': (context) => {
    const arn = stringValue(mergedProfile(context.config, context.profile.name), 'role_arn');
    return arn === undefined ? undefined : `role_arn ${arn} of profile ${context.profile.name}`;
  },
  'assume-role-with-web-identity': (context) => {
    const from = webIdentityTokenSetting(context);
    return from === undefined ? undefined : `the web identity token in ${from}`;
  },
  'shared-credentials-file': (context) => keysIn(context, 'credentials'),
  'custom-process': (context) =>
    stringValue(mergedProfile(context.config, context.profile.name), 'credential_process') === undefined
      ? undefined
      : `credential_process of profile ${context.profile.name}`,
  'config-file': (context) => keysIn(context, 'config'),
  'ec2-credentials-file': ({ deps }) => (deps.env['AWS_CREDENTIAL_FILE'] === undefined ? undefined : 'AWS_CREDENTIAL_FILE'),
  'boto-config': ({ deps }) => (deps.env['BOTO_CONFIG'] === undefined ? undefined : `BOTO_CONFIG=${deps.env['BOTO_CONFIG']}`),
  'container-role': ({ deps }) =>
    deps.env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] !== undefined || deps.env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] !== undefined
      ? 'container credentials (AWS_CONTAINER_CREDENTIALS_*)'
      : undefined,
  'iam-role': ({ deps }) =>
    deps.env['AWS_EC2_METADATA_DISABLED']?.toLowerCase() === 'true' ? undefined : 'the EC2 instance role, if this machine has one',
};

export function describeShadowed(context: ChainContext, link: LinkName): string | undefined {
  return DESCRIBERS[link]?.(context);
}

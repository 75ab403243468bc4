/**
 * `awsrole sso login | logout | populate`: IAM Identity Center sign-ins, sharing the AWS CLI's
 * token and registration caches (src/sso/login.ts, logout.ts, populate.ts).
 */
import { loadSharedConfig } from '../../config/load.js';
import type { SharedConfig } from '../../config/shared-config.js';
import type { Deps } from '../../deps.js';
import { ConfigError, UsageError } from '../../errors.js';
import { shown } from '../../domain/text.js';
import { selectProfile } from '../../session/profile.js';
import { ssoLogin } from '../../sso/login.js';
import { logoutAll, logoutOne } from '../../sso/logout.js';
import { checkTemplate, DEFAULT_TEMPLATE, populate } from '../../sso/populate.js';
import { profileSignIn, sessionSignIn, type SsoSignIn } from '../../sso/profile.js';
import { defineCommand } from '../command.js';
import type { ParsedOptions } from '../options.js';

const SSO_OPTIONS = [
  { flags: '--profile <name>', description: 'the sign-in of this profile (its sso_session, or its sso_start_url)' },
  { flags: '--sso-session <name>', description: 'the sign-in of this [sso-session NAME]' },
  { flags: '--use-device-code', description: 'login: sign in with a code, possibly on another device (always for a profile without sso_session)' },
  { flags: '--no-browser', description: 'login: only print the sign-in URL (and code) on stderr' },
  { flags: '--all', description: 'logout: end every sign-in in ~/.aws/sso/cache, as `aws sso logout`' },
  { flags: '--region <region>', description: 'populate: write this region into each profile' },
  { flags: '--template <template>', description: `populate: profile names, from {account_name} {account_id} {role_name} {sso_session} (default ${DEFAULT_TEMPLATE})` },
  { flags: '--prune', description: 'populate: remove the profiles an earlier populate wrote that are no longer assigned' },
  { flags: '--debug', description: 'explain each step on stderr (secrets never shown)' },
] as const;

type SsoOptions = ParsedOptions<typeof SSO_OPTIONS>;
const ACTIONS = ['login', 'logout', 'populate'] as const;
type Action = (typeof ACTIONS)[number];

/** Options that belong to one action: refused with another, not ignored. */
const ONLY_FOR: readonly (readonly [flag: string, key: keyof SsoOptions, action: Action])[] = [
  ['--use-device-code', 'useDeviceCode', 'login'],
  ['--no-browser', 'noBrowser', 'login'],
  ['--all', 'all', 'logout'],
  ['--region', 'region', 'populate'],
  ['--template', 'template', 'populate'],
  ['--prune', 'prune', 'populate'],
];

function checkOptions(action: Action, options: SsoOptions): void {
  for (const [flag, key, owner] of ONLY_FOR) {
    if (owner !== action && options[key] !== undefined) throw new UsageError(`${flag} is for \`awsrole sso ${owner}\`, not \`sso ${action}\``);
  }
  const chosen = [options.profile !== undefined && '--profile', options.ssoSession !== undefined && '--sso-session', options.all === true && '--all'].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`pass one of ${chosen.join(', ')}, not several`);
  if (action === 'populate' && options.template !== undefined) checkTemplate(options.template);
}

interface Target {
  config: SharedConfig;
  /** The selected profile: its endpoint settings apply. */
  profile: string;
  signIn: SsoSignIn;
}

async function target(deps: Deps, options: SsoOptions): Promise<Target> {
  const config = await loadSharedConfig(deps);
  const profile = selectProfile(deps.env, options.profile).name;
  const signIn = options.ssoSession !== undefined ? sessionSignIn(config, options.ssoSession, '--sso-session') : profileSignIn(config, profile);
  return { config, profile, signIn };
}

async function runPopulate(deps: Deps, options: SsoOptions): Promise<void> {
  if (options.profile === undefined && options.ssoSession === undefined) throw new UsageError('`awsrole sso populate` needs --sso-session NAME (or --profile NAME of a profile with sso_session)');
  const { config, profile, signIn } = await target(deps, options);
  const { session } = signIn;
  if (session === undefined) throw new ConfigError(`profile ${shown(profile)} has no sso_session: populated profiles name an [sso-session]`, '`aws configure sso-session` writes one');
  await populate(deps, config, { signIn: { ...signIn, session }, profile, template: options.template ?? DEFAULT_TEMPLATE, region: options.region, prune: options.prune === true });
}

export const ssoCommand = defineCommand({
  name: 'sso',
  description: 'IAM Identity Center: `sso login` signs in, `sso logout` signs out, `sso populate` writes a profile per assigned role',
  examples: ['awsrole sso login --profile my-sso', 'awsrole sso login --use-device-code --no-browser --sso-session corp', 'awsrole sso populate --sso-session corp --prune', 'awsrole sso logout --all'],
  options: SSO_OPTIONS,
  argument: { syntax: '<action>', description: 'login, logout or populate', choices: ACTIONS },
  async run(deps, options, [action]) {
    if (!(ACTIONS as readonly string[]).includes(action ?? '')) throw new UsageError(`unknown action ${shown(action ?? '')}`, 'awsrole sso login | logout | populate');
    checkOptions(action as Action, options);
    if (action === 'populate') return runPopulate(deps, options);
    if (action === 'logout' && options.all === true) {
      const config = await loadSharedConfig(deps);
      return logoutAll(deps, config, selectProfile(deps.env, undefined).name);
    }
    const { config, profile, signIn } = await target(deps, options);
    if (action === 'logout') return logoutOne(deps, config, profile, signIn);
    return ssoLogin(deps, config, signIn, profile, { useDeviceCode: options.useDeviceCode === true, openBrowser: options.noBrowser !== true });
  },
});

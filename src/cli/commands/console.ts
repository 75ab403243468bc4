import { mergedProfile, stringValue } from '../../config/shared-config.js';
import type { Deps } from '../../deps.js';
import { CredentialError } from '../../errors.js';
import { openInBrowser } from '../../console/browser.js';
import { checkDestinationFlags, consoleDestination } from '../../console/destination.js';
import { federationEndpoint, getSigninToken, loginUrl } from '../../console/federation.js';
import { consoleRegion, partitionFor } from '../../console/partitions.js';
import { CONSOLE_DURATION, ROLE_SIGNIN_MAX_SECONDS, roleSessionDuration, signinRequestFor } from '../../console/signin-credentials.js';
import { networkFor, type Network } from '../../net/network.js';
import type { Session } from '../../session/index.js';
import { defineCommand } from '../command.js';
import { durationFlag } from '../flags.js';
import { ASSUME_OPTIONS, MFA_SYNONYM_OPTIONS } from '../option-sets.js';
import { obtainCredentials } from './assume.js';

/** What --region and --duration mean here, where they shape the console session too. */
const CONSOLE_MEANING: Partial<Record<string, string>> = {
  '--region <region>': 'region for STS and the console page (and its partition when there is no role ARN)',
  '--duration <duration>': 'console (and role) session length: seconds, or 1h, 90m (900 s to 12 h; 1 h when chained; long-term keys: up to 36 h, default 12 h)',
};

const CONSOLE_OPTIONS = [
  ...ASSUME_OPTIONS.map((option) => ({ ...option, description: CONSOLE_MEANING[option.flags] ?? option.description })),
  ...MFA_SYNONYM_OPTIONS,
  { flags: '--service <name>', description: "open this service's console home (s3, ec2, iam...)" },
  { flags: '--destination <url>', description: 'open this https console page (on the partition console host)' },
  { flags: '--print', description: 'print the sign-in URL (a credential for 15 minutes) instead of opening a browser' },
] as const;

interface SigninPlan {
  endpoint: URL;
  destination: string;
  /** Proxies and the selected profile's ca_bundle, as for STS. */
  network: Network;
}

interface SigninFlags {
  roleArn?: string | undefined;
  service?: string | undefined;
  destination?: string | undefined;
  durationSeconds?: number | undefined;
}

/** Everything about where to sign in, from the open session alone: wrong values stop before any call. */
function planSignin(deps: Deps, session: Session, flags: SigninFlags): SigninPlan {
  const roleArn = flags.roleArn ?? stringValue(mergedProfile(session.config, session.profile.name), 'role_arn');
  // A role hop is coming: over 12 h is refused before AssumeRole, not after it.
  if (roleArn !== undefined) roleSessionDuration(flags.durationSeconds);
  const partition = partitionFor(roleArn, session.region);
  const destination = consoleDestination(flags, partition, consoleRegion(partition, session.region));
  deps.debug?.(`console: partition ${partition.name}, destination ${destination}`);
  return { endpoint: federationEndpoint(partition, deps.env), destination, network: networkFor(deps, session.config, session.profile.name) };
}

/** `awsrole console`: a browser session of the AWS console as the credentials' role (or user). */
export const consoleCommand = defineCommand({
  name: 'console',
  description: 'open the AWS console signed in with these credentials (a role, or long-term keys via GetFederationToken)',
  examples: ['awsrole console --profile prod', 'awsrole console --profile prod --service s3 --print'],
  options: CONSOLE_OPTIONS,
  async run(deps, options) {
    checkDestinationFlags(options);
    const durationSeconds = durationFlag(options.duration, CONSOLE_DURATION);
    let plan: SigninPlan | undefined;
    // Over 12 h only GetFederationToken (long-term keys) takes it; a role hop never sees it (planSignin refuses it first).
    const hopOptions = durationSeconds !== undefined && durationSeconds > ROLE_SIGNIN_MAX_SECONDS ? { ...options, duration: undefined } : options;
    const obtained = await obtainCredentials(deps, hopOptions, {
      allowPlain: true,
      beforeResolving: (session) => void (plan = planSignin(deps, session, { ...options, durationSeconds })),
    });
    if (plan === undefined) throw new Error('console: the session opened without a sign-in plan');
    const signinToken = await getSigninToken(deps, plan.endpoint, plan.network, await signinRequestFor(obtained, durationSeconds));
    const url = loginUrl(plan.endpoint, plan.destination, signinToken);
    if (options.print) deps.stdout.write(`${url}\n`);
    else {
      const failed = await openInBrowser(deps, url);
      if (failed !== undefined) throw new CredentialError(failed, 'run `awsrole console --print` (same options) and open the URL yourself');
    }
  },
});

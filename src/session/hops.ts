import type { AssumeRoleRequest, RoleAssumer } from '../chain/types.js';
import type { SharedConfig } from '../config/shared-config.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import type { StsCaller } from '../sts/client.js';
import { createRoleAssumer, type HopRecord } from '../sts/role-assumer.js';
import { ASSUME_ROLE_DURATION } from '../sts/validate.js';
import { sessionParamsPlanner, type SessionParams } from './session-params.js';

/** Flag values that replace the selected role profile's own settings for its (last) hop. */
export type HopOverrides = Partial<Pick<AssumeRoleRequest, 'roleSessionName' | 'sessionNameGenerated' | 'externalId' | 'serialNumber' | 'durationSeconds' | 'policyArns'>>;

/** Which hop the flags aim at: the selected role profile's own (default), or a --role-arn hop on top of the chain. */
export type TopHop = 'profile' | 'role-arn';

export interface HopShaping {
  deps: Deps;
  sts: () => StsCaller;
  /** The selected profile: its role hop is the one the flags aim at (unless topHop is role-arn). */
  profile: string;
  topHop: TopHop;
  overrides: HopOverrides;
  /** The loaded config: each hop's own session parameters (source_identity, session_tags, ...). */
  config: SharedConfig;
  /** Session parameters from flags, for the top hop. */
  sessionParams: SessionParams;
  refresh: boolean;
  tokenCode: string | undefined;
  /** Receives each hop as it is made, for --explain and --debug. */
  hops: HopRecord[];
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

/**
 * A --token-code is good for one STS call, on the device it was read from: the --serial-number
 * (when given) or else the first hop that needs a code. Other MFA hops prompt or use a cached
 * MFA session.
 */
function oneTimeTokenCode(code: string | undefined, serial: string | undefined): (hopSerial: string) => string | undefined {
  let unused = code;
  return (hopSerial) => {
    if (unused === undefined || (serial !== undefined && hopSerial !== serial)) return undefined;
    const taken = unused;
    unused = undefined;
    return taken;
  };
}

/** A --duration over an hour on a chained hop is refused before STS is asked (it would refuse). */
export function checkChainedDuration(hop: Pick<AssumeRoleRequest, 'chained' | 'roleArn'>, seconds: number | undefined, whose?: string): void {
  if (!hop.chained || seconds === undefined || seconds <= ASSUME_ROLE_DURATION.chainedMax) return;
  throw new UsageError(
    `--duration ${seconds}: the source credentials${whose === undefined ? '' : ` ${whose}`} came from another role, and AWS limits role chaining to 1 hour`,
    'pass --duration 3600 or less, or use long-term (or MFA-session) credentials as the source',
  );
}

/** AssumeRole through the caches, with the flags applied to the hop they aim at. */
export function shapedRoleAssumer(shaping: HopShaping): RoleAssumer {
  const tokenCodeFor = oneTimeTokenCode(shaping.tokenCode, shaping.overrides.serialNumber);
  const paramsFor = sessionParamsPlanner({
    config: shaping.config,
    env: shaping.deps.env,
    profile: shaping.profile,
    roleArnOnTop: shaping.topHop === 'role-arn',
    flags: shaping.sessionParams,
  });
  let assumer: RoleAssumer | undefined;
  return (source, request) => {
    const isTopHop = request.profile === (shaping.topHop === 'role-arn' ? undefined : shaping.profile);
    const shaped = isTopHop ? { ...request, ...withoutUndefined(shaping.overrides) } : request;
    const hop = { ...shaped, ...withoutUndefined(paramsFor(shaped, isTopHop)) };
    if (isTopHop) checkChainedDuration(hop, shaping.overrides.durationSeconds, `of ${hop.roleArn}`);
    assumer ??= createRoleAssumer({
      deps: shaping.deps,
      caller: shaping.sts(),
      refresh: shaping.refresh,
      tokenCodeFor,
      onHop: (done) => shaping.hops.push(done),
    });
    return assumer(source, hop);
  };
}

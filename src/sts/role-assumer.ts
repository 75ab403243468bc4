import type { AssumeRoleRequest, Credentials, RoleAssumer } from '../chain/types.js';
import type { Deps } from '../deps.js';
import { RefusedError, UsageError } from '../errors.js';
import { cacheTextFor, cliCacheFolder, cliCacheKey, readCachedSession, writeCachedSession } from '../cache/cli-cache.js';
import type { StsCaller } from './client.js';
import { assumeRole } from './operations.js';
import { tokenCodeProblem } from './validate.js';

export interface RoleAssumerOptions {
  deps: Deps;
  caller: StsCaller;
  /** Skip the cache (--refresh). */
  refresh: boolean;
  /** --token-code, used for the hop whose serial needs it. */
  tokenCode?: string | undefined;
  /** Records each hop for messages (e.g. "from the cache"). */
  onHop?: ((hop: HopRecord) => void) | undefined;
}

export interface HopRecord {
  request: AssumeRoleRequest;
  fromCache: boolean;
  assumedRoleArn?: string | undefined;
}

function cacheKeyFor(request: AssumeRoleRequest): string {
  return cliCacheKey({
    RoleArn: request.roleArn,
    RoleSessionName: request.sessionNameGenerated ? undefined : request.roleSessionName,
    ExternalId: request.externalId,
    SerialNumber: request.serialNumber,
    DurationSeconds: request.durationSeconds,
    PolicyArns: request.policyArns?.map((arn) => ({ arn })),
  });
}

/** Asks for the MFA code only when STS is really about to be called (a cache hit never prompts). */
export async function obtainTokenCode(deps: Deps, serial: string, given: string | undefined, flag: string): Promise<string> {
  if (given !== undefined) return given;
  if (deps.promptSecret === undefined || !deps.stderr.isTTY) {
    throw new UsageError(`an MFA code is needed for ${serial} and there is no terminal to ask on`, `pass ${flag} 123456`);
  }
  const code = (await deps.promptSecret(`Enter MFA code for ${serial}: `)).trim();
  const problem = tokenCodeProblem(code);
  if (problem) throw new RefusedError(`MFA code refused before calling STS: ${problem}`, 'run the command again and type the 6 digits your device shows');
  return code;
}

/** AssumeRole through the AWS CLI's cache, so awsrole and the CLI share sessions. */
export function createRoleAssumer(options: RoleAssumerOptions): RoleAssumer {
  const { deps, caller } = options;
  return async (source: Credentials, request: AssumeRoleRequest) => {
    const folder = cliCacheFolder(deps);
    const key = cacheKeyFor(request);
    if (!options.refresh) {
      const cached = await readCachedSession(deps, folder, key);
      if (cached !== undefined) {
        options.onHop?.({ request, fromCache: true });
        return cached;
      }
    }
    const tokenCode = request.serialNumber === undefined ? undefined : await obtainTokenCode(deps, request.serialNumber, options.tokenCode, '--token-code');
    const assumed = await assumeRole(caller, source, request, tokenCode);
    options.onHop?.({ request, fromCache: false, assumedRoleArn: assumed.assumedRoleArn });
    await writeCachedSession(
      deps,
      folder,
      key,
      cacheTextFor(assumed.credentials, { AssumedRoleUser: { Arn: assumed.assumedRoleArn, AssumedRoleId: assumed.assumedRoleId } }),
    ).catch((error: Error) => deps.stderr.write(`awsrole: warning: could not write the session cache: ${error.message}\n`));
    return assumed.credentials;
  };
}

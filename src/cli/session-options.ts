import type { ExplicitParams } from '../chain/types.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import type { SessionOptions } from '../session/index.js';
import type { ParsedOptions } from './options.js';
import type { STS_SOURCE_OPTIONS } from './option-sets.js';
import { sessionParamFlags, type SessionParamOptions } from './session-param-flags.js';

type SourceFlags = ParsedOptions<typeof STS_SOURCE_OPTIONS> & { tokenCode?: string | undefined } & SessionParamOptions;

/** `--credentials-json -`: explicit params as a JSON object on stdin, so secrets never sit on argv. */
async function readExplicitCredentials(deps: Deps, source: string | undefined): Promise<ExplicitParams | undefined> {
  if (source === undefined) return undefined;
  if (source !== '-') throw new UsageError('--credentials-json takes only "-" (read the JSON object from stdin)', 'pipe it in: … | awsrole export --credentials-json -');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await deps.readStdin());
  } catch {
    throw new UsageError('--credentials-json -: stdin is not a JSON object', 'send {"AccessKeyId": "...", "SecretAccessKey": "...", "SessionToken": "..."}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError('--credentials-json -: stdin is not a JSON object');
  const fields = parsed as Record<string, unknown>;
  const text = (key: string): string | undefined => (typeof fields[key] === 'string' ? (fields[key] as string) : undefined);
  return { accessKeyId: text('AccessKeyId'), secretAccessKey: text('SecretAccessKey'), sessionToken: text('SessionToken') };
}

/** The source flags every credential command shares, as session options (reads stdin for --credentials-json -). */
export async function sessionOptions(deps: Deps, flags: SourceFlags): Promise<SessionOptions> {
  const sessionParams = await sessionParamFlags(deps, flags);
  return {
    sessionParams,
    profile: flags.profile,
    region: flags.region,
    endpointUrl: flags.endpointUrl,
    refresh: flags.refresh,
    tokenCode: flags.tokenCode,
    explicit: await readExplicitCredentials(deps, flags.credentialsJson),
  };
}

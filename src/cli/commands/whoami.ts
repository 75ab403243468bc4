import { ChainError } from '../../chain/chain.js';
import type { Resolution } from '../../chain/types.js';
import type { Deps } from '../../deps.js';
import { formatExpiration, maskKeyId, renderJson } from '../../output/index.js';
import { lineSafe } from '../../domain/text.js';
import { parseIsoTime } from '../../domain/time.js';
import { stringValue, type Section } from '../../config/shared-config.js';
import { openSession, type Session } from '../../session/index.js';
import { getCallerIdentity, type CallerIdentity } from '../../sts/operations.js';
import { defineCommand } from '../command.js';
import { painter, renderHops, renderProfileLine, renderTrace } from '../explain.js';
import { SESSION_PARAM_OPTIONS, STS_SOURCE_OPTIONS, TOKEN_CODE_OPTION } from '../option-sets.js';
import { sessionOptions } from '../session-options.js';

interface WhoamiView {
  identity: CallerIdentity;
  session: Session;
  resolution: Resolution;
}

function sourceDetail(resolution: Resolution): string {
  return resolution.trace.find((entry) => entry.outcome === 'found')?.detail ?? '';
}

/** The file section static keys came from, for what botocore does not read from it (aws_credential_expiration). */
function keySection({ session, resolution }: Pick<WhoamiView, 'session' | 'resolution'>): Section | undefined {
  const { name } = resolution.profile;
  if (resolution.source === 'shared-credentials-file') return session.config.credentialsProfiles.get(name);
  if (resolution.source === 'config-file') return session.config.configProfiles.get(name);
  return undefined;
}

/**
 * When the credentials expire: their own expiry, else the aws_credential_expiration of the file
 * section they came from (--write-profile writes it; botocore does not read it, so it does not
 * travel with the credentials), else undefined.
 */
function expirationOf(view: Pick<WhoamiView, 'session' | 'resolution'>): string | undefined {
  const { expiration } = view.resolution.credentials;
  if (expiration !== undefined) return formatExpiration(expiration);
  const written = stringValue(keySection(view), 'aws_credential_expiration');
  if (written === undefined) return undefined;
  const time = parseIsoTime(written);
  return time === undefined ? `${written} (aws_credential_expiration, not a time awsrole can read)` : formatExpiration(time);
}

/** The Expires row: "never" only for long-term keys; session keys without a known expiry say so. */
function expiresText(view: Pick<WhoamiView, 'session' | 'resolution'>): string {
  const known = expirationOf(view);
  if (known !== undefined) return known;
  const { sessionToken } = view.resolution.credentials;
  return sessionToken === undefined || sessionToken === '' ? 'never (long-term keys)' : 'unknown (session credentials without an expiry)';
}

/** `--json`: STS's own names, plus where the credentials came from. */
function renderIdentityJson({ identity, session, resolution }: WhoamiView, explain: boolean): string {
  const payload = {
    ...identity,
    Source: { Link: resolution.source, Detail: sourceDetail(resolution), Profile: resolution.profile.name },
    AccessKeyId: maskKeyId(resolution.credentials.accessKeyId),
    Expiration: expirationOf({ session, resolution }) ?? null,
    ...(explain ? { Trace: resolution.trace } : {}),
  };
  return renderJson(payload);
}

/** The table a person reads, and under --explain the chain and the role hops. */
async function renderText({ identity, session, resolution }: WhoamiView, explain: boolean, deps: Deps): Promise<string> {
  const { settings } = session.sts();
  const rows: [string, string][] = [
    ['Account', identity.Account],
    ['Arn', identity.Arn],
    ['UserId', identity.UserId],
    ['Source', `${resolution.source}: ${sourceDetail(resolution)}`],
    ['Key', maskKeyId(resolution.credentials.accessKeyId)],
    ['Expires', expiresText({ session, resolution })],
    ['STS', `${settings.endpoint} (${settings.endpointFrom})`],
  ];
  // Every value may come from STS, a file or the environment: none may reach the terminal raw (a line break included).
  let text = rows.map(([name, value]) => `${name.padEnd(8)} ${lineSafe(value)}`).join('\n') + '\n';
  if (explain) {
    text += `\n${renderProfileLine(resolution)}\nchain (botocore order):\n${renderTrace(resolution.trace, await painter(deps.stdout, deps.env))}`;
    text += renderHops(session.hops);
  }
  return text;
}

/** Runs the chain; under --explain a failing chain shows how far it got, on stderr. */
async function resolveExplained(deps: Deps, session: Session, explain: boolean): Promise<Resolution> {
  try {
    return await session.resolveCredentials();
  } catch (error) {
    if (explain && error instanceof ChainError) deps.stderr.write(renderTrace(error.trace, await painter(deps.stderr, deps.env)));
    throw error;
  }
}

/** `awsrole whoami`: GetCallerIdentity plus where the credentials came from. */
export const whoamiCommand = defineCommand({
  name: 'whoami',
  description: 'GetCallerIdentity, and which link of the chain supplied the credentials',
  examples: ['awsrole whoami --profile prod', 'awsrole whoami --explain'],
  options: [
    ...STS_SOURCE_OPTIONS,
    { flags: '--json', description: 'print JSON' },
    { flags: '--explain', description: 'print every link of the chain: found, skipped (why), shadowed' },
    TOKEN_CODE_OPTION,
    ...SESSION_PARAM_OPTIONS,
  ],
  async run(deps, options) {
    const explain = options.explain === true;
    const session = await openSession(deps, await sessionOptions(deps, options));
    const resolution = await resolveExplained(deps, session, explain);
    const identity = await getCallerIdentity(session.sts(), resolution.credentials);
    const view: WhoamiView = { identity, session, resolution };
    deps.stdout.write(options.json ? renderIdentityJson(view, explain) : await renderText(view, explain, deps));
  },
});

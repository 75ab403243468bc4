import { ChainError } from '../../chain/chain.js';
import type { Resolution } from '../../chain/types.js';
import type { Deps } from '../../deps.js';
import { formatExpiration, maskKeyId } from '../../output/index.js';
import { terminalSafe } from '../../domain/text.js';
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

function expirationOf(resolution: Resolution): string | undefined {
  const { expiration } = resolution.credentials;
  return expiration === undefined ? undefined : formatExpiration(expiration);
}

/** `--json`: STS's own names, plus where the credentials came from. */
function renderJson({ identity, resolution }: WhoamiView, explain: boolean): string {
  const payload = {
    ...identity,
    Source: { Link: resolution.source, Detail: sourceDetail(resolution), Profile: resolution.profile.name },
    AccessKeyId: maskKeyId(resolution.credentials.accessKeyId),
    Expiration: expirationOf(resolution) ?? null,
    ...(explain ? { Trace: resolution.trace } : {}),
  };
  return `${JSON.stringify(payload, null, 2)}\n`;
}

/** The table a person reads, and under --explain the chain and the role hops. */
async function renderText({ identity, session, resolution }: WhoamiView, explain: boolean, deps: Deps): Promise<string> {
  const { settings } = session.sts();
  const rows: [string, string][] = [
    ['Account', identity.Account],
    ['Arn', identity.Arn],
    ['UserId', identity.UserId],
    ['Source', `${resolution.source}: ${terminalSafe(sourceDetail(resolution))}`],
    ['Key', maskKeyId(resolution.credentials.accessKeyId)],
    ['Expires', expirationOf(resolution) ?? 'never (long-term keys)'],
    ['STS', `${settings.endpoint} (${settings.endpointFrom})`],
  ];
  let text = rows.map(([name, value]) => `${name.padEnd(8)} ${value}`).join('\n') + '\n';
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
    deps.stdout.write(options.json ? renderJson(view, explain) : await renderText(view, explain, deps));
  },
});

import type { Deps } from '../deps.js';
import { ChainError } from '../chain/chain.js';
import { formatExpiration, maskKeyId } from '../output/index.js';
import { getCallerIdentity, type CallerIdentity } from '../sts/operations.js';
import type { StsSettings } from '../sts/settings.js';
import { terminalSafe } from '../output/shown.js';
import { resolveSource, type ResolvedSource, type SourceOptions } from './common.js';
import { painter, renderHops, renderProfileLine, renderTrace } from './explain.js';

export interface WhoamiOptions extends SourceOptions {
  json?: boolean | undefined;
  explain?: boolean | undefined;
}

interface WhoamiView {
  identity: CallerIdentity;
  source: ResolvedSource;
  settings: StsSettings;
}

function sourceDetail(view: WhoamiView): string {
  return view.source.resolution.trace.find((entry) => entry.outcome === 'found')?.detail ?? '';
}

function expirationOf(view: WhoamiView): string | undefined {
  const expiration = view.source.resolution.credentials.expiration;
  return expiration === undefined ? undefined : formatExpiration(expiration);
}

/** `--json`: STS's own names, plus where the credentials came from. */
function renderJson(view: WhoamiView, explain: boolean): string {
  const { resolution } = view.source;
  const payload = {
    ...view.identity,
    Source: { Link: resolution.source, Detail: sourceDetail(view), Profile: resolution.profile.name },
    AccessKeyId: maskKeyId(resolution.credentials.accessKeyId),
    Expiration: expirationOf(view) ?? null,
    ...(explain ? { Trace: resolution.trace } : {}),
  };
  return `${JSON.stringify(payload, null, 2)}\n`;
}

/** The table a person reads, and under --explain the chain and the role hops. */
async function renderText(view: WhoamiView, explain: boolean, deps: Deps): Promise<string> {
  const { resolution, hops } = view.source;
  const rows: [string, string][] = [
    ['Account', view.identity.Account],
    ['Arn', view.identity.Arn],
    ['UserId', view.identity.UserId],
    ['Source', `${resolution.source}: ${terminalSafe(sourceDetail(view))}`],
    ['Key', maskKeyId(resolution.credentials.accessKeyId)],
    ['Expires', expirationOf(view) ?? 'never (long-term keys)'],
    ['STS', `${view.settings.endpoint} (${view.settings.endpointFrom})`],
  ];
  let text = rows.map(([name, value]) => `${name.padEnd(8)} ${value}`).join('\n') + '\n';
  if (explain) {
    text += `\n${renderProfileLine(resolution)}\nchain (botocore order):\n${renderTrace(resolution.trace, await painter(deps.stdout, deps.env))}`;
    text += renderHops(hops);
  }
  return text;
}

/** `awsrole whoami`: GetCallerIdentity plus where the credentials came from. */
export async function whoamiCommand(deps: Deps, options: WhoamiOptions): Promise<void> {
  let source: ResolvedSource;
  try {
    source = await resolveSource(deps, options);
  } catch (error) {
    // --explain is most useful when the chain fails: show how far it got, on stderr.
    if (options.explain && error instanceof ChainError) deps.stderr.write(renderTrace(error.trace, await painter(deps.stderr, deps.env)));
    throw error;
  }
  const caller = source.stsCaller();
  const identity = await getCallerIdentity(caller, source.resolution.credentials);
  const view: WhoamiView = { identity, source, settings: caller.settings };
  deps.stdout.write(options.json ? renderJson(view, options.explain === true) : await renderText(view, options.explain === true, deps));
}

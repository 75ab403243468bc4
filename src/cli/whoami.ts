import type { Deps } from '../deps.js';
import { ChainError } from '../chain/chain.js';
import { formatExpiration, maskKeyId } from '../output/index.js';
import { getCallerIdentity } from '../sts/operations.js';
import { resolveSource, type SourceOptions } from './common.js';
import { painter, renderHops, renderProfileLine, renderTrace } from './explain.js';

export interface WhoamiOptions extends SourceOptions {
  json?: boolean | undefined;
  explain?: boolean | undefined;
}

/** `awsrole whoami`: GetCallerIdentity plus where the credentials came from. */
export async function whoamiCommand(deps: Deps, options: WhoamiOptions): Promise<void> {
  let source;
  try {
    source = await resolveSource(deps, options);
  } catch (error) {
    // --explain is most useful when the chain fails: show how far it got, on stderr.
    if (options.explain && error instanceof ChainError) deps.stderr.write(renderTrace(error.trace, painter(deps.stderr, deps.env)));
    throw error;
  }
  const { resolution } = source;
  const caller = source.stsCaller();
  const identity = await getCallerIdentity(caller, resolution.credentials);
  const found = resolution.trace.find((entry) => entry.outcome === 'found');
  const expiration = resolution.credentials.expiration === undefined ? undefined : formatExpiration(resolution.credentials.expiration);
  const keyId = maskKeyId(resolution.credentials.accessKeyId);
  if (options.json) {
    const payload = {
      ...identity,
      Source: { Link: resolution.source, Detail: found?.detail ?? '', Profile: resolution.profile.name },
      AccessKeyId: keyId,
      Expiration: expiration ?? null,
      ...(options.explain ? { Trace: resolution.trace } : {}),
    };
    deps.stdout.write(`${JSON.stringify(payload, null, 2)}\n`);
    return;
  }
  const rows: [string, string][] = [
    ['Account', identity.Account],
    ['Arn', identity.Arn],
    ['UserId', identity.UserId],
    ['Source', `${resolution.source}: ${found?.detail ?? ''}`],
    ['Key', keyId],
    ['Expires', expiration ?? 'never (long-term keys)'],
    ['STS', `${caller.settings.endpoint} (${caller.settings.endpointFrom})`],
  ];
  let text = rows.map(([name, value]) => `${name.padEnd(8)} ${value}`).join('\n') + '\n';
  if (options.explain) {
    text += `\n${renderProfileLine(resolution)}\nchain (botocore order):\n${renderTrace(resolution.trace, painter(deps.stdout, deps.env))}`;
    text += renderHops(source.hops);
  }
  deps.stdout.write(text);
}

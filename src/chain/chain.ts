import { AwsroleError, ChainSkip, CredentialError, ExitCode } from '../errors.js';
import type { ChainContext, Link, Resolution, TraceEntry } from './types.js';
import type { LinkName } from './links.js';
import { unsupportedSource } from './unsupported.js';
import { assertNotExpired } from './expiration.js';

/** An error that stopped the chain, with the trace up to that point; the link's own error is its cause. */
export class ChainError extends AwsroleError {
  constructor(
    message: string,
    cause: AwsroleError,
    readonly trace: TraceEntry[],
  ) {
    super(message, cause.exitCode, cause.hint, { cause });
    this.name = cause.name;
  }
}

/** The winner's entry, with what each later link would have offered (judged from settings alone). */
function found(context: ChainContext, link: Link<LinkName>, detail: string, later: readonly Link<LinkName>[]): TraceEntry[] {
  const described = later.map((next) => ({ link: next.name, offer: next.describe?.(context) }));
  const shadows = described.flatMap(({ offer }) => (offer === undefined ? [] : [offer]));
  const notTried = described.map(({ link: name, offer }): TraceEntry => ({ link: name, outcome: 'not-tried', detail: offer ?? 'not needed' }));
  return [{ link: link.name, outcome: 'found', detail, ...(shadows.length > 0 ? { shadows } : {}) }, ...notTried];
}

/** Runs the links in order: the first that finds credentials wins; a link's error stops the chain. */
export async function runChain(context: ChainContext, links: readonly Link<LinkName>[] = context.links): Promise<Resolution> {
  const trace: TraceEntry[] = [];
  for (const [index, link] of links.entries()) {
    try {
      const result = await link.resolve(context);
      // botocore refreshes credentials that expired already, gets the same and fails ("still expired"), whatever the source.
      assertNotExpired(result.credentials.expiration, context.deps.now(), result.detail);
      trace.push(...found(context, link, result.detail, links.slice(index + 1)));
      return { credentials: result.credentials, source: link.name, fromRole: link.givesRoleSession === true, profile: context.profile, trace };
    } catch (error) {
      if (error instanceof ChainSkip) {
        trace.push({ link: link.name, outcome: 'skipped', detail: error.reason });
        continue;
      }
      const failure = error instanceof AwsroleError ? error : new AwsroleError(String((error as Error).message), ExitCode.internal, undefined, { cause: error });
      trace.push({ link: link.name, outcome: 'failed', detail: failure.message });
      throw new ChainError(`${link.name}: ${failure.message}`, failure, trace);
    }
  }
  const unsupported = unsupportedSource(context);
  const none = unsupported
    ? new CredentialError(unsupported.message, unsupported.hint)
    : new CredentialError(
        `no credentials found (profile ${context.profile.name}); tried ${links.map((link) => link.name).join(', ')}`,
        'set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, add keys to ~/.aws/credentials, or pick a profile with --profile; `awsrole whoami --explain` shows each link',
      );
  throw new ChainError(none.message, none, trace);
}

import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import { decodeAuthorizationMessage } from '../sts/operations.js';
import { resolveSource, type SourceOptions } from './common.js';

/** `awsrole decode-message MSG`: why AWS said no, as indented JSON. */
export async function decodeMessageCommand(deps: Deps, options: SourceOptions, message: string | undefined): Promise<void> {
  const encoded = (message === '-' ? await deps.readStdin() : message)?.trim();
  if (!encoded) throw new UsageError('decode-message needs the encoded message', 'pass it as the argument, or "-" to read it from stdin');
  if (encoded.length > 10240) throw new UsageError(`the encoded message is ${encoded.length} characters; STS takes at most 10240`);
  const source = await resolveSource(deps, options);
  const decoded = await decodeAuthorizationMessage(source.stsCaller(), source.resolution.credentials, encoded);
  let pretty: string;
  try {
    pretty = JSON.stringify(JSON.parse(decoded), null, 2);
  } catch {
    pretty = JSON.stringify(decoded);
  }
  deps.stdout.write(`${pretty}\n`);
}

import { UsageError } from '../../errors.js';
import { openSession } from '../../session/index.js';
import { decodeAuthorizationMessage } from '../../sts/operations.js';
import { defineCommand } from '../command.js';
import { STS_SOURCE_OPTIONS } from '../option-sets.js';
import { sessionOptions } from '../session-options.js';

/** The AWS CLI prints "… Encoded authorization failure message: MSG": the whole line is accepted. */
const CLI_MARKER = /^[\s\S]*encoded authorization failure message:/i;

function withoutCliPrefix(text: string): string {
  return text.replace(CLI_MARKER, '');
}

/** `awsrole decode-message MSG`: why AWS said no, as indented JSON. */
export const decodeMessageCommand = defineCommand({
  name: 'decode-message',
  description: 'decode an encoded authorization failure message (DecodeAuthorizationMessage)',
  examples: ["awsrole decode-message --profile prod 'Encoded authorization failure message: ...'", 'pbpaste | awsrole decode-message -'],
  options: STS_SOURCE_OPTIONS,
  argument: { syntax: '[message]', description: 'the encoded message, or - to read it from stdin' },
  async run(deps, options, [message]) {
    const encoded = withoutCliPrefix((message === '-' ? await deps.readStdin() : message) ?? '').trim();
    if (!encoded) throw new UsageError('decode-message needs the encoded message', 'pass it as the argument, or "-" to read it from stdin');
    if (encoded.length > 10240) throw new UsageError(`the encoded message is ${encoded.length} characters; STS takes at most 10240`);
    const session = await openSession(deps, await sessionOptions(deps, options));
    const { credentials } = await session.resolveCredentials();
    const decoded = await decodeAuthorizationMessage(session.sts(), credentials, encoded);
    let pretty: string;
    try {
      pretty = JSON.stringify(JSON.parse(decoded), null, 2);
    } catch {
      pretty = JSON.stringify(decoded);
    }
    deps.stdout.write(`${pretty}\n`);
  },
});

import type { Credentials } from '../chain/types.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import { writeCredentialsProfile } from '../config/profile-writer.js';
import { defaultFormat, parseFormat, renderCredentials, type OutputFormat } from '../output/index.js';
import { terminalSafe } from '../domain/text.js';

export interface DeliverOptions {
  format?: string | undefined;
  writeProfile?: string | undefined;
}

/** Checks --format and --write-profile before any work, so a typo costs no STS call. */
export function checkDeliverOptions(deps: Deps, options: DeliverOptions): OutputFormat {
  if (options.writeProfile !== undefined && options.format !== undefined) {
    throw new UsageError('--write-profile and --format do not go together', 'pick one: print for a shell, or write a profile');
  }
  if (options.writeProfile !== undefined && !/^[^\]\r\n\s](?:[^\]\r\n]*[^\]\r\n\s])?$/.test(options.writeProfile)) {
    throw new UsageError('--write-profile: a profile name may not contain "]" or line breaks, nor start or end with spaces');
  }
  return options.format === undefined ? defaultFormat(deps.env) : parseFormat(options.format);
}

/** Prints the credentials for the chosen format, or writes them as a profile (stdout then stays empty). */
export async function deliverCredentials(deps: Deps, credentials: Credentials, region: string | undefined, options: DeliverOptions): Promise<void> {
  const format = checkDeliverOptions(deps, options);
  if (options.writeProfile !== undefined) {
    const confirmation = await writeCredentialsProfile(deps, options.writeProfile, credentials);
    deps.stderr.write(`awsrole: ${terminalSafe(confirmation)}\n`);
    return;
  }
  deps.stdout.write(renderCredentials(format, credentials, region));
  // Printed to a terminal, export lines change nothing: the shell must evaluate them.
  if (deps.stdout.isTTY && EVAL_HINTS[format] !== undefined) deps.stderr.write(`awsrole: ${EVAL_HINTS[format]}\n`);
}

const EVAL_HINTS: Partial<Record<OutputFormat, string>> = {
  sh: 'these lines only take effect when evaluated: eval "$(awsrole ...)"',
  fish: 'these lines only take effect when evaluated: awsrole ... | source',
  powershell: 'these lines only take effect when evaluated: awsrole ... | Invoke-Expression',
};

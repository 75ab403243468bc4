import { credentialsFileLink } from '../chain/credentials-file.js';
import { LINKS } from '../chain/links.js';
import type { ChainContext, ChainServices, Credentials } from '../chain/types.js';
import { loadSharedConfig } from '../config/load.js';
import type { SharedConfig } from '../config/shared-config.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import { checkProfileWritable, writeCredentialsProfile } from '../config/profile-writer.js';
import { defaultFormat, parseFormat, renderCredentials, type OutputFormat } from '../output/index.js';
import { terminalSafe } from '../domain/text.js';

export interface DeliverOptions {
  format?: string | undefined;
  writeProfile?: string | undefined;
  force?: boolean | undefined;
}

/**
 * Checks --format and --write-profile before any work, so a typo, or a profile that holds
 * long-term keys without --force, costs no STS call and no MFA prompt.
 */
export async function checkDeliverOptions(deps: Deps, options: DeliverOptions): Promise<OutputFormat> {
  const format = checkFlags(deps, options);
  if (options.writeProfile !== undefined) await checkProfileWritable(deps, options.writeProfile, options.force === true);
  return format;
}

function checkFlags(deps: Deps, options: DeliverOptions): OutputFormat {
  if (options.writeProfile !== undefined && options.format !== undefined) {
    throw new UsageError('--write-profile and --format do not go together', 'pick one: print for a shell, or write a profile');
  }
  if (options.writeProfile !== undefined && !/^[^\]\r\n\s](?:[^\]\r\n]*[^\]\r\n\s])?$/.test(options.writeProfile)) {
    throw new UsageError('--write-profile: a profile name may not contain "]" or line breaks, nor start or end with spaces');
  }
  if (options.force === true && options.writeProfile === undefined) {
    throw new UsageError('--force only applies to --write-profile', 'leave out --force, or add --write-profile NAME');
  }
  return options.format === undefined ? defaultFormat(deps.env) : parseFormat(options.format);
}

/** Prints the credentials for the chosen format, or writes them as a profile (stdout then stays empty). */
export async function deliverCredentials(deps: Deps, credentials: Credentials, region: string | undefined, options: DeliverOptions): Promise<void> {
  const format = checkFlags(deps, options);
  if (options.writeProfile !== undefined) {
    const confirmation = await writeCredentialsProfile(deps, options.writeProfile, credentials, { force: options.force });
    deps.stderr.write(`awsrole: ${terminalSafe(confirmation)}\n`);
    await warnIfShadowed(deps, options.writeProfile);
    return;
  }
  deps.stdout.write(renderCredentials(format, credentials, region, deps.env));
  // Printed to a terminal, export lines change nothing: the shell must evaluate them.
  if (deps.stdout.isTTY && EVAL_HINTS[format] !== undefined) deps.stderr.write(`awsrole: ${EVAL_HINTS[format]}\n`);
}

/** A link that cannot run: shadow descriptions are judged from settings alone, and never call out. */
const NO_SERVICES: ChainServices = {
  assumeRole: () => Promise.reject(new Error('no STS while judging shadows')),
};

/**
 * What an earlier row of the provider table offers for `--profile name`, from each row's own
 * describe(): botocore tries it before the credentials file, so the section just written is not used.
 */
export function shadowingSources(deps: Deps, config: SharedConfig, name: string): string[] {
  const context: ChainContext = { deps, profile: { name, from: '--profile' }, config, services: NO_SERVICES, links: LINKS };
  const earlier = LINKS.slice(0, LINKS.indexOf(credentialsFileLink));
  return earlier.flatMap((link) => {
    const offer = link.describe?.(context);
    return offer === undefined ? [] : [offer];
  });
}

async function warnIfShadowed(deps: Deps, name: string): Promise<void> {
  const shadows = shadowingSources(deps, await loadSharedConfig(deps), name);
  if (shadows.length === 0) return;
  deps.stderr.write(
    `awsrole: warning: --profile ${terminalSafe(name)} will not use what was just written: botocore's order tries ${terminalSafe(shadows.join(', '))} before the credentials file\n` +
      `  hint: write the session under a name no config profile uses, e.g. --write-profile ${terminalSafe(name)}-session\n`,
  );
}

const EVAL_HINTS: Partial<Record<OutputFormat, string>> = {
  sh: 'these lines only take effect when evaluated: eval "$(awsrole ...)"',
  fish: 'these lines only take effect when evaluated: awsrole ... | source',
  powershell: 'these lines only take effect when evaluated: awsrole ... | Invoke-Expression',
};

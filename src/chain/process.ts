import { ChainSkip, CredentialError } from '../errors.js';
import { shlexSplit } from '../config/ini.js';
import { mergedProfile, stringValue } from '../config/shared-config.js';
import { assertNotExpired } from './expiration.js';
import { parseExpiration } from '../domain/time.js';
import { maskKeyId } from '../output/mask.js';
import { defineLink, type ChainContext, type LinkResult } from './types.js';
import type { Credentials } from '../domain/credentials.js';

/** botocore has no limit; a hung helper must not hang every shell that calls awsrole. */
const DEFAULT_TIMEOUT_SECONDS = 60;

function timeoutMs(context: ChainContext): number {
  const configured = Number(context.deps.env['AWSROLE_PROCESS_TIMEOUT']);
  return (Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_TIMEOUT_SECONDS) * 1000;
}

/** `credential_process` of a profile, in botocore's merged view of both files. */
export async function fromProcess(context: ChainContext, profile: string): Promise<LinkResult> {
  const command = stringValue(mergedProfile(context.config, profile), 'credential_process');
  if (command === undefined) throw new ChainSkip(`profile ${profile} has no credential_process`);
  const where = `credential_process of profile ${profile}`;
  const argv = shlexSplit(command);
  if (argv === undefined || argv.length === 0) {
    throw new CredentialError(`${where} cannot be split into a command (unbalanced quotes?)`, 'fix credential_process in the config file');
  }
  const limit = timeoutMs(context);
  const result = await context.deps.runProcess(argv, { env: context.deps.env, timeoutMs: limit });
  if (result.stdoutTooLarge === true) {
    throw new CredentialError(`${where} wrote more than 1 MiB to stdout, awsrole's limit for its answer, and was stopped`, 'a credential_process prints one small JSON object (Version 1): run the command by hand to see what it prints');
  }
  if (result.timedOut) {
    throw new CredentialError(`${where} did not finish within ${limit / 1000} s and was stopped`, 'run the command by hand to see why it hangs, or raise AWSROLE_PROCESS_TIMEOUT (seconds)');
  }
  if (result.exitCode !== 0) {
    const how = result.exitCode === null ? `was killed by ${result.signal ?? 'a signal'}` : `exited with code ${result.exitCode}`;
    throw new CredentialError(`${where} ${how}: ${firstLine(result.stderr)}`, `run \`${argv[0] ?? ''}\` by hand to see why`);
  }
  const credentials = parseProcessOutput(result.stdout, where);
  credentials.accountId ??= stringValue(mergedProfile(context.config, profile), 'aws_account_id');
  assertNotExpired(credentials.expiration, context.deps.now(), where);
  return { credentials, detail: where };
}

/**
 * The helper's first stderr line, for the error message. A helper may print credentials there
 * (a debug line, a failed JSON dump): key ids are masked and long key-like runs removed.
 */
function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  if (line === '') return '(no message on stderr)';
  return line
    .slice(0, 300)
    .replace(/\b(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|APKA|ABIA|ACCA)[A-Z0-9]{12,}\b/g, (id) => maskKeyId(id))
    .replace(/[A-Za-z0-9/+=]{24,}/g, '[redacted]');
}

/** credential_process version 1 output; the rules botocore's ProcessProvider applies. */
export function parseProcessOutput(stdout: string, where: string): Credentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new CredentialError(`${where} did not print JSON`, 'it must print {"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ...}');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new CredentialError(`${where} did not print a JSON object`);
  const fields = parsed as Record<string, unknown>;
  // Python compares Version == 1, which True also satisfies.
  if (fields['Version'] !== 1 && fields['Version'] !== true) {
    throw new CredentialError(`${where} printed Version ${JSON.stringify(fields['Version']) ?? '(missing)'}; only version 1 is supported`);
  }
  const accessKeyId = fields['AccessKeyId'];
  const secretAccessKey = fields['SecretAccessKey'];
  if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string') {
    throw new CredentialError(`${where} printed no ${typeof accessKeyId !== 'string' ? 'AccessKeyId' : 'SecretAccessKey'}`);
  }
  const expiration = fields['Expiration'];
  return {
    accessKeyId,
    secretAccessKey,
    sessionToken: typeof fields['SessionToken'] === 'string' ? fields['SessionToken'] : undefined,
    expiration: typeof expiration === 'string' ? parseExpiration(expiration, `Expiration from ${where}`) : undefined,
    accountId: typeof fields['AccountId'] === 'string' ? fields['AccountId'] : undefined,
  };
}

/** Link: credential_process (between the two files' static keys, as in botocore). */
export const processLink = defineLink({
  name: 'custom-process',
  resolve: (context) => fromProcess(context, context.profile.name),
  resolveProfile: fromProcess,
  describe: (context) =>
    stringValue(mergedProfile(context.config, context.profile.name), 'credential_process') === undefined
      ? undefined
      : `credential_process of profile ${context.profile.name}`,
});

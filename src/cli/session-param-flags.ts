import { expandPath } from '../config/paths.js';
import type { Deps } from '../deps.js';
import { shown } from '../domain/text.js';
import { ConfigError } from '../errors.js';
import { POLICY_MAX, sessionParamsFromFlags, type SessionParams, type Sourced } from '../session/session-params.js';
import type { SESSION_PARAM_OPTIONS } from './option-sets.js';
import type { ParsedOptions } from './options.js';

export type SessionParamOptions = ParsedOptions<typeof SESSION_PARAM_OPTIONS>;

/** Room for a policy file with a BOM or trailing blank lines; anything larger is refused unread. */
const POLICY_FILE_MAX_BYTES = 4 * POLICY_MAX;

/** `--policy JSON`, or `--policy @FILE`: a value read from a file is a file's value (exit 5 when bad). */
async function policyFlag(deps: Deps, text: string | undefined): Promise<Sourced<string> | undefined> {
  if (text === undefined) return undefined;
  if (!text.startsWith('@')) return { value: text, origin: { name: '--policy', inFile: false } };
  const path = text.slice(1);
  const origin = { name: `--policy @${path}`, inFile: true };
  // The shell leaves the ~ of `@~/policy.json` alone, so it is expanded here.
  const file = path.startsWith('~/') ? expandPath('~', deps.env, deps.homedir) + path.slice(1) : path;
  let content: string | undefined;
  try {
    content = await deps.fs.readRegularFile(file, { noFollow: false, maxBytes: POLICY_FILE_MAX_BYTES });
  } catch (error) {
    throw new ConfigError(`--policy: cannot read ${shown(path)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (content === undefined) throw new ConfigError(`--policy: ${shown(path)} is missing, not a regular file, or over ${POLICY_FILE_MAX_BYTES} bytes`);
  return { value: content.replace(/^\uFEFF/, '').trim(), origin };
}

/** The session-parameter flags, checked against STS's rules (--policy @FILE read first). */
export async function sessionParamFlags(deps: Deps, options: SessionParamOptions): Promise<SessionParams> {
  const policy = await policyFlag(deps, options.policy);
  return sessionParamsFromFlags({ sourceIdentity: options.sourceIdentity, tag: options.tag, transitiveTag: options.transitiveTag, policy });
}

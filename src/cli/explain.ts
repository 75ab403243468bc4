import type { ChalkInstance } from 'chalk';
import type { Resolution, TraceEntry } from '../chain/types.js';
import type { OutStream } from '../deps.js';
import type { HopRecord } from '../sts/role-assumer.js';
import { terminalSafe } from '../domain/text.js';
import { describeSessionParams } from '../session/session-params.js';

const MARKS: Record<TraceEntry['outcome'], string> = { found: '✔', skipped: '·', failed: '✘', 'not-tried': '–' };

/**
 * Colour only on a terminal and only when NO_COLOR is unset. chalk is imported here, when a
 * trace is shown, because importing it asks whether stdout is a terminal, which loads
 * node:tty, node:net and the streams (~2 ms) on every start.
 */
export async function painter(stream: OutStream, env: Readonly<Record<string, string | undefined>>): Promise<ChalkInstance> {
  const { Chalk } = await import('chalk');
  return new Chalk({ level: stream.isTTY && env['NO_COLOR'] === undefined ? 1 : 0 });
}

/** The chain's trace as a person reads it: one line per link, the winner marked, shadows listed. */
export function renderTrace(trace: readonly TraceEntry[], paint: ChalkInstance): string {
  const width = Math.max(...trace.map((entry) => entry.link.length));
  const lines = trace.map((entry, index) => {
    const label = `${String(index + 1).padStart(2)}. ${entry.link.padEnd(width)}`;
    const outcome = entry.outcome.padEnd(9);
    const colour = entry.outcome === 'found' ? paint.green : entry.outcome === 'failed' ? paint.red : paint.dim;
    const line = colour(`${MARKS[entry.outcome]} ${label}  ${outcome} ${terminalSafe(entry.detail)}`);
    const shadows = (entry.shadows ?? []).map((text) => `\n${' '.repeat(width + 8)}shadows ${terminalSafe(text)}`);
    return line + paint.yellow(shadows.join(''));
  });
  return `${lines.join('\n')}\n`;
}

export function renderProfileLine(resolution: Resolution): string {
  const { profile } = resolution;
  return profile.from === 'default' ? `profile: default (no --profile, AWS_DEFAULT_PROFILE or AWS_PROFILE)` : `profile: ${profile.name} (from ${profile.from})`;
}

const VIA: Record<HopRecord['via'], string> = {
  cache: 'from the session cache (no STS call)',
  'mfa-session': 'signed with the cached MFA session',
  sts: 'from STS',
};

/** The AssumeRole hops behind the credentials, innermost first. */
export function renderHops(hops: readonly HopRecord[]): string {
  if (hops.length === 0) return '';
  const lines = hops.map((hop, index) => `${String(index + 1).padStart(2)}. ${hop.request.roleArn} (session ${hop.request.roleSessionName}${describeSessionParams(hop.request)}) ${VIA[hop.via]}`);
  return `role hops:\n${terminalSafe(lines.join('\n'))}\n`;
}

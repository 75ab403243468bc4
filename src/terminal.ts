import { openSync, closeSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import { endBySignal, PromptError } from './deps.js';
import { terminalSafe } from './domain/text.js';

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const CTRL_U = '\u0015';
const ERASE = new Set(['\u007f', '\b']);
/** The terminal stays raw only while awsrole reads; these end awsrole, so they restore it first (SIGINT: `kill -INT`, not a key). */
const ENDING_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The controlling terminal, or PromptError('no-terminal') (ENXIO: a daemon, CI, `setsid`). */
function openTerminal(): number {
  try {
    return openSync('/dev/tty', 'r+');
  } catch {
    throw new PromptError('no-terminal');
  }
}

/** One typed character applied to the line so far; a PromptError when it ends the prompt. */
function edit(line: string, char: string): string {
  if (char === CTRL_C) throw new PromptError('cancelled');
  if (char === CTRL_D) throw new PromptError('end-of-input');
  if (char === CTRL_U) return '';
  if (ERASE.has(char)) return line.slice(0, -1);
  return line + char;
}

/** Echo off, the prompt, then one line: `done` gets the line or why there is none, once. */
function readLine(fd: number, message: string, done: (error: Error | undefined, line: string) => void): void {
  const input = new ReadStream(fd);
  const output = new WriteStream(fd);
  let line = '';
  let finished = false;
  const finish = (error?: Error): void => {
    if (finished) return;
    finished = true;
    for (const signal of ENDING_SIGNALS) process.off(signal, onEndingSignal);
    try {
      input.setRawMode(false);
      output.write('\n');
    } catch {
      // the terminal is gone (hang-up)
    }
    input.destroy();
    try {
      closeSync(fd);
    } catch {
      // already closed with the stream
    }
    done(error, line);
  };
  function onEndingSignal(signal: NodeJS.Signals): void {
    finish(new PromptError('cancelled'));
    endBySignal(signal);
  }
  // In place before the prompt shows: a signal sent as soon as it is seen finds them.
  for (const signal of ENDING_SIGNALS) process.on(signal, onEndingSignal);
  // Echo goes off before the prompt shows, so a fast typist's code is never displayed.
  input.setRawMode(true);
  output.write(terminalSafe(message));
  input.on('data', (chunk: Buffer) => {
    try {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        line = edit(line, char);
      }
    } catch (error) {
      finish(error as Error);
    }
    return undefined;
  });
  input.on('end', () => finish(new PromptError('end-of-input')));
  input.on('error', (error) => finish(error));
}

/**
 * Reads one line from the controlling terminal with echo off. It talks to /dev/tty directly,
 * so the prompt never lands on stdout or a captured stderr, even when awsrole runs as an SDK's
 * credential_process. Raw mode: Ctrl-C and Ctrl-D arrive as characters, not as SIGINT or EOF.
 */
export function promptOnTerminal(message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    readLine(openTerminal(), message, (error, line) => (error ? reject(error) : resolve(line)));
  });
}

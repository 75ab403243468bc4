import { openSync, closeSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import { endBySignal, PromptError } from './deps.js';
import { terminalSafe } from './domain/text.js';

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const CTRL_U = '\u0015';
const ERASE = new Set(['\u007f', '\b']);
/** The terminal stays raw only while awsrole reads; these end awsrole, so they restore it first. */
const ENDING_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP'];

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

/**
 * Reads one line from the controlling terminal with echo off. It talks to /dev/tty directly,
 * so the prompt never lands on stdout or a captured stderr, even when awsrole runs as an SDK's
 * credential_process. Raw mode: Ctrl-C and Ctrl-D arrive as characters, not as SIGINT or EOF.
 */
export function promptOnTerminal(message: string): Promise<string> {
  let fd: number;
  try {
    fd = openTerminal();
  } catch (error) {
    return Promise.reject(error as Error);
  }
  const input = new ReadStream(fd);
  const output = new WriteStream(fd);
  // Echo goes off before the prompt shows, so a fast typist's code is never displayed.
  input.setRawMode(true);
  output.write(terminalSafe(message));
  return new Promise((resolve, reject) => {
    let line = '';
    let done = false;
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
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
      if (error) reject(error);
      else resolve(line);
    };
    function onEndingSignal(signal: NodeJS.Signals): void {
      finish(new PromptError('cancelled'));
      endBySignal(signal);
    }
    for (const signal of ENDING_SIGNALS) process.on(signal, onEndingSignal);
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
  });
}

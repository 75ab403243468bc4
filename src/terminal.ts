import { openSync, closeSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import { terminalSafe } from './domain/text.js';

export class NoTerminalError extends Error {
  constructor() {
    super('no terminal to ask on');
    this.name = 'NoTerminalError';
  }
}

/**
 * Reads one line from the controlling terminal with echo off. It talks to /dev/tty directly,
 * so the prompt never lands on stdout, even inside `eval "$(awsrole ...)"`.
 */
export function promptOnTerminal(message: string): Promise<string> {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    return Promise.reject(new NoTerminalError());
  }
  const input = new ReadStream(fd);
  const output = new WriteStream(fd);
  // Echo goes off before the prompt shows, so a fast typist's code is never displayed.
  input.setRawMode(true);
  output.write(terminalSafe(message));
  return new Promise((resolve, reject) => {
    let line = '';
    const finish = (error?: Error): void => {
      input.setRawMode(false);
      output.write('\n');
      input.destroy();
      try {
        closeSync(fd);
      } catch {
        // already closed with the stream
      }
      if (error) reject(error);
      else resolve(line);
    };
    input.on('data', (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new Error('interrupted'));
        if (char === '\u007f' || char === '\b') line = line.slice(0, -1);
        else line += char;
      }
      return undefined;
    });
  });
}

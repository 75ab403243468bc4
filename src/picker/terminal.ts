/**
 * The profile picker on the terminal: keys from stdin in raw mode, the picker drawn on stderr
 * (stdout stays for what `eval` reads). Loaded only when the picker is shown (src/deps.ts).
 */
import { ReadStream } from 'node:tty';
import { parseKeys, render, startPicker, step, type PickerState } from './choose.js';

/** Moves back to the first line drawn and clears from there down. */
function erase(lineCount: number): string {
  return lineCount === 0 ? '' : `\r${lineCount > 1 ? `\x1b[${lineCount - 1}A` : ''}\x1b[J`;
}

/** Resolves to the chosen item, or null when the user cancelled (Esc, Ctrl-C, Ctrl-D). */
export function pickOnTerminal(title: string, items: readonly string[], write: (text: string) => void): Promise<string | null> {
  const input = new ReadStream(0);
  input.setRawMode(true);
  let state: PickerState = startPicker(items);
  let drawn = 0;
  const draw = (): void => {
    const lines = render(state, title);
    write(`${erase(drawn)}${lines.join('\r\n')}`);
    drawn = lines.length;
  };
  draw();
  return new Promise((resolve) => {
    const finish = (chosen: string | null): void => {
      input.setRawMode(false);
      input.destroy();
      write(erase(drawn));
      resolve(chosen);
    };
    input.on('data', (chunk: Buffer) => {
      for (const key of parseKeys(chunk.toString('utf8'))) {
        const next = step(state, key);
        if ('chosen' in next) return finish(next.chosen);
        if ('cancelled' in next) return finish(null);
        state = next.state;
      }
      draw();
      return undefined;
    });
    input.on('end', () => finish(null));
  });
}

/**
 * The profile picker as data: keys in, state and screen lines out. No terminal here
 * (src/picker/terminal.ts drives it), so every behaviour is a pure function.
 */
import { terminalSafe } from '../domain/text.js';

export type Key = 'up' | 'down' | 'enter' | 'cancel' | 'backspace' | 'clear' | { readonly text: string };

export interface PickerState {
  readonly items: readonly string[];
  readonly query: string;
  /** Index into matching(items, query). */
  readonly cursor: number;
}

export type Step = { readonly state: PickerState } | { readonly chosen: string } | { readonly cancelled: true };

/** How many matches the picker shows at once. */
export const VISIBLE_ROWS = 10;

/** Keys from what the terminal sent (raw mode): arrows as CSI or SS3 sequences, Ctrl-P/N too. */
export function parseKeys(chunk: string): Key[] {
  const keys: Key[] = [];
  for (let i = 0; i < chunk.length; i++) {
    const char = chunk.charAt(i);
    if (char === '\x1b') {
      const next = chunk.charAt(i + 1);
      if (next !== '[' && next !== 'O') {
        keys.push('cancel');
        continue;
      }
      // A CSI/SS3 sequence runs to its final byte (@ to ~): arrows are A and B, others are ignored.
      let end = i + 2;
      while (end < chunk.length && !/[@-~]/.test(chunk.charAt(end))) end++;
      const final = chunk.charAt(end);
      if (final === 'A') keys.push('up');
      else if (final === 'B') keys.push('down');
      i = end;
    } else if (char === '\r' || char === '\n') keys.push('enter');
    else if (char === '\x03' || char === '\x04') keys.push('cancel');
    else if (char === '\x7f' || char === '\b') keys.push('backspace');
    else if (char === '\x15') keys.push('clear');
    else if (char === '\x10') keys.push('up');
    else if (char === '\x0e' || char === '\t') keys.push('down');
    else if (char >= ' ') keys.push({ text: char });
  }
  return keys;
}

/** Items holding every word of the query, case ignored, in their order. */
export function matching(items: readonly string[], query: string): string[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return items.filter((item) => {
    const lower = item.toLowerCase();
    return words.every((word) => lower.includes(word));
  });
}

export function startPicker(items: readonly string[]): PickerState {
  return { items, query: '', cursor: 0 };
}

export function step(state: PickerState, key: Key): Step {
  const matches = matching(state.items, state.query);
  const withQuery = (query: string): Step => ({ state: { ...state, query, cursor: 0 } });
  switch (key) {
    case 'up':
      return { state: { ...state, cursor: Math.max(0, state.cursor - 1) } };
    case 'down':
      return { state: { ...state, cursor: Math.min(Math.max(0, matches.length - 1), state.cursor + 1) } };
    case 'enter': {
      const chosen = matches[state.cursor];
      return chosen === undefined ? { state } : { chosen };
    }
    case 'cancel':
      return { cancelled: true };
    case 'backspace':
      return withQuery([...state.query].slice(0, -1).join(''));
    case 'clear':
      return withQuery('');
    default:
      return withQuery(state.query + key.text);
  }
}

/** The picker's lines (title, query, the visible matches with `>` at the cursor, a count). */
export function render(state: PickerState, title: string): string[] {
  const matches = matching(state.items, state.query);
  const first = Math.max(0, Math.min(state.cursor - VISIBLE_ROWS + 1, matches.length - VISIBLE_ROWS));
  const rows = matches.slice(first, first + VISIBLE_ROWS).map((item, index) => `${first + index === state.cursor ? '>' : ' '} ${terminalSafe(item)}`);
  return [
    terminalSafe(`${title} (type to filter, arrows to move, Enter to choose, Esc to cancel)`),
    `filter: ${terminalSafe(state.query)}`,
    ...(rows.length > 0 ? rows : ['  (no profile matches)']),
    `  ${matches.length} of ${state.items.length}`,
  ];
}

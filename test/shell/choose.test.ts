/** The picker's logic without a terminal: keys, filtering, the cursor, the screen lines. */
import { describe, expect, it } from 'vitest';
import { matching, parseKeys, render, startPicker, step, VISIBLE_ROWS, type PickerState } from '../../src/picker/choose.js';

function press(state: PickerState, chunk: string): ReturnType<typeof step> {
  let current: ReturnType<typeof step> = { state };
  for (const key of parseKeys(chunk)) {
    if (!('state' in current)) break;
    current = step(current.state, key);
  }
  return current;
}

describe('picker', () => {
  it('reads arrows (CSI and SS3), Enter, Esc, Ctrl-C, backspace, text; ignores other sequences', () => {
    expect(parseKeys('\x1b[A\x1bOB\x1b[1;5C\rab\x7f\x03\x1b')).toEqual(['up', 'down', 'enter', { text: 'a' }, { text: 'b' }, 'backspace', 'cancel', 'cancel']);
  });

  it('filters by every word, case ignored, keeping the order', () => {
    expect(matching(['prod-admin', 'prod-read', 'dev-admin'], 'ADMIN prod')).toEqual(['prod-admin']);
    expect(matching(['b', 'a'], '')).toEqual(['b', 'a']);
  });

  it('moves within the matches, chooses the one under the cursor, cancels on Esc', () => {
    const items = ['admin', 'deploy', 'dev'];
    expect(press(startPicker(items), '\x1b[B\x1b[B\x1b[B\r')).toEqual({ chosen: 'dev' });
    expect(press(startPicker(items), '\x1b[A\r')).toEqual({ chosen: 'admin' });
    expect(press(startPicker(items), 'de\x1b[B\r')).toEqual({ chosen: 'dev' });
    expect(press(startPicker(items), 'zz\r')).toEqual({ state: { items, query: 'zz', cursor: 0 } });
    expect(press(startPicker(items), 'zz\x7f\x7fa\r')).toEqual({ chosen: 'admin' });
    expect(press(startPicker(items), '\x1b')).toEqual({ cancelled: true });
  });

  it('shows a window of matches around the cursor, names made terminal-safe', () => {
    const items = Array.from({ length: 25 }, (_, i) => `p${String(i).padStart(2, '0')}`);
    const lines = render({ items, query: '', cursor: 14 }, 'pick');
    expect(lines).toHaveLength(VISIBLE_ROWS + 3);
    expect(lines[2]).toBe('  p05');
    expect(lines[VISIBLE_ROWS + 1]).toBe('> p14');
    expect(lines.at(-1)).toBe('  25 of 25');
    expect(render({ items: ['a\x1b[2Jb'], query: '', cursor: 0 }, 'pick')[2]).toBe('> a\\x1b[2Jb');
  });
});

/**
 * Text that reaches a terminal: values from files, helpers, STS and metadata endpoints are made
 * safe here, and only here, before a message shows them.
 */

/** C0 and C1 control characters and DEL: what a terminal may act on. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** Runs of C0 control characters and DEL (line breaks, tabs, escapes) inside a one-line summary. */
const C0_RUNS = /[\u0000-\u001f\u007f]+/g;
const C0 = /[\u0000-\u001f\u007f]/;

function hexEscape(char: string): string {
  return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** What JSON.stringify leaves raw but a terminal or a line-based reader may act on: DEL, C1 (U+009B is CSI), U+2028/U+2029. */
const JSON_RAW = /[\u007f-\u009f\u2028\u2029]/g;

/** JSON text with every control character escaped as \\uXXXX (JSON.stringify escapes only C0), still the same JSON value. */
export function jsonSafe(json: string): string {
  return json.replace(JSON_RAW, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value quoted for a one-line message: control characters escaped, long values cut. */
export function shown(value: string): string {
  return jsonSafe(JSON.stringify(clip(value, 64)));
}

/**
 * Text for stderr that a terminal cannot act on: every control character but the line breaks
 * awsrole itself writes becomes \xNN, so a value from a file or from STS cannot send escape
 * sequences (retitle the window, clear the screen, fake a prompt).
 */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (char) => (char === '\n' ? char : hexEscape(char)));
}

/** terminalSafe for a value inside one line: a line break becomes \\x0a too, so it cannot start a line of its own. */
export function lineSafe(text: string): string {
  return text.replace(CONTROL, hexEscape);
}

/** Each run of C0 control characters (line breaks included) and DEL becomes one space. */
export function controlsAsSpaces(text: string): string {
  return text.replace(C0_RUNS, ' ');
}

/** True when the text holds a C0 control character or DEL. */
export function hasControlCharacter(text: string): boolean {
  return C0.test(text);
}

/** At most `max` characters: a longer text is cut and ends with `...` (counted in `max`). */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** The first line of a message, short, control characters out: SDK messages can be long or multi-line. */
export function oneLine(text: string, max = 200): string {
  return clip(controlsAsSpaces(text.split('\n')[0] ?? '').trim(), max);
}

/** How much of a service's text a message quotes: more is noise (a hostile endpoint may send megabytes). */
export const SERVICE_TEXT_MAX = 300;

/**
 * Text a service sent (an error message or code, an error body's field), as a message quotes it:
 * on one line (control characters and line breaks as spaces), so it cannot forge a line of
 * its own, and cut to `max` characters, saying how long it was.
 */
export function serviceText(text: string, max = SERVICE_TEXT_MAX): string {
  const line = controlsAsSpaces(text).trim();
  return line.length > max ? `${line.slice(0, max)}... (cut: ${line.length} characters in all)` : line;
}

/** `1 attempt`, `3 attempts`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** C0 and C1 control characters and DEL: what a terminal may act on. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

function hexEscape(char: string): string {
  return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** A value quoted for a one-line message: control characters escaped, long values cut. */
export function shown(value: string): string {
  const quoted = JSON.stringify(value.length > 64 ? `${value.slice(0, 61)}...` : value);
  return quoted.replace(CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Text for stderr that a terminal cannot act on: every control character but the line breaks
 * awsrole itself writes becomes \xNN, so a value from a file or from STS cannot send escape
 * sequences (retitle the window, clear the screen, fake a prompt).
 */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (char) => (char === '\n' ? char : hexEscape(char)));
}

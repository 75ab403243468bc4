import type { Deps } from '../deps.js';
import { defaultFormat, parseFormat, renderUnset } from '../output/index.js';

/** `awsrole unset`: removes every variable the other commands set. */
export function unsetCommand(deps: Deps, options: { format?: string | undefined }): void {
  const format = options.format === undefined ? defaultFormat(deps.env) : parseFormat(options.format);
  deps.stdout.write(renderUnset(format));
}

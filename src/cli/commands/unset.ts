import { defaultFormat, parseFormat, renderUnset } from '../../output/index.js';
import { defineCommand } from '../command.js';

/** `awsrole unset`: removes every variable the other commands set. */
export const unsetCommand = defineCommand({
  name: 'unset',
  description: 'print the lines that remove every variable awsrole sets',
  examples: ['eval "$(awsrole unset)"', 'awsrole unset --format fish | source'],
  options: [{ flags: '--format <format>', description: 'sh, fish, powershell, cmd (default from $SHELL)' }],
  run(deps, options) {
    const format = options.format === undefined ? defaultFormat(deps.env) : parseFormat(options.format);
    deps.stdout.write(renderUnset(format));
  },
});

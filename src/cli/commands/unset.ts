import { defaultFormat, parseFormat, renderUnset, SET_RECORD } from '../../output/index.js';
import { defineCommand } from '../command.js';

/** `awsrole unset`: removes the variables the export lines recorded in AWSROLE_SET (the credential variables when there is no record). */
export const unsetCommand = defineCommand({
  name: 'unset',
  description: 'print the lines that remove the variables awsrole set (recorded in AWSROLE_SET)',
  examples: ['eval "$(awsrole unset)"', 'awsrole unset --format fish | source'],
  options: [{ flags: '--format <format>', description: 'sh, fish, powershell, cmd (default from $SHELL)' }],
  run(deps, options) {
    const format = options.format === undefined ? defaultFormat(deps.env) : parseFormat(options.format);
    deps.stdout.write(renderUnset(format, deps.env[SET_RECORD]));
  },
});

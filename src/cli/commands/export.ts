import { openSession } from '../../session/index.js';
import { defineCommand } from '../command.js';
import { checkDeliverOptions, deliverCredentials } from '../deliver.js';
import { OUTPUT_OPTIONS, SESSION_PARAM_OPTIONS, SOURCE_OPTIONS, TOKEN_CODE_OPTION } from '../option-sets.js';
import { sessionOptions } from '../session-options.js';

/** `awsrole export`: the chain's own credentials, like `aws configure export-credentials`. */
export const exportCommand = defineCommand({
  name: 'export',
  description: "print the chain's credentials (like `aws configure export-credentials`)",
  examples: ['eval "$(awsrole export --profile dev)"', 'awsrole export --profile dev --format dotenv > .env'],
  options: [...SOURCE_OPTIONS, ...OUTPUT_OPTIONS, TOKEN_CODE_OPTION, ...SESSION_PARAM_OPTIONS],
  async run(deps, options) {
    checkDeliverOptions(deps, options);
    const session = await openSession(deps, await sessionOptions(deps, options));
    const { credentials } = await session.resolveCredentials();
    await deliverCredentials(deps, credentials, session.region, options);
  },
});

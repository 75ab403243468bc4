import { describeStaticKeys, fromStaticKeysFile } from './static-keys.js';
import { defineLink, type ChainContext, type LinkResult } from './types.js';

/** Static keys in `[profile X]`/`[default]` of the config file alone. */
export function fromConfigFile(context: ChainContext, profile: string): Promise<LinkResult> {
  return fromStaticKeysFile(context, profile, 'config');
}

/** Link: config file. */
export const configFileLink = defineLink({
  name: 'config-file',
  resolve: (context) => fromConfigFile(context, context.profile.name),
  resolveProfile: fromConfigFile,
  describe: (context) => describeStaticKeys(context, 'config'),
});

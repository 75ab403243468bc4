import { describeStaticKeys, fromStaticKeysFile } from './static-keys.js';
import { defineLink, type ChainContext, type LinkResult } from './types.js';

/** Static keys in `[profile]` of the credentials file alone. */
export function fromCredentialsFile(context: ChainContext, profile: string): Promise<LinkResult> {
  return fromStaticKeysFile(context, profile, 'credentials');
}

/** Link: shared credentials file. */
export const credentialsFileLink = defineLink({
  name: 'shared-credentials-file',
  resolve: (context) => fromCredentialsFile(context, context.profile.name),
  resolveProfile: fromCredentialsFile,
  describe: (context) => describeStaticKeys(context, 'credentials'),
});

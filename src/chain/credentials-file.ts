import { fromStaticKeysFile } from './static-keys.js';
import type { ChainContext, Link, LinkResult } from './types.js';

/** Static keys in `[profile]` of the credentials file alone. */
export function fromCredentialsFile(context: ChainContext, profile: string): Promise<LinkResult> {
  return fromStaticKeysFile(context, profile, 'credentials');
}

/** Link: shared credentials file. */
export const credentialsFileLink: Link = {
  name: 'shared-credentials-file',
  resolve: (context) => fromCredentialsFile(context, context.profile.name),
};

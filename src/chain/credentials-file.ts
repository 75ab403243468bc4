import { ChainSkip } from '../errors.js';
import { staticKeysFromSection } from './static-keys.js';
import type { ChainContext, Link, LinkResult } from './types.js';
import { profileIn } from './where.js';

/** Static keys in `[profile]` of the credentials file alone. */
export async function fromCredentialsFile(context: ChainContext, profile: string): Promise<LinkResult> {
  const where = profileIn(context, profile, context.config.credentialsPath);
  const section = context.config.credentialsProfiles.get(profile);
  if (section === undefined) throw new ChainSkip(`no [${profile}] section in the credentials file`);
  const credentials = staticKeysFromSection(section, where);
  if (credentials === undefined) throw new ChainSkip(`${where} has no aws_access_key_id`);
  return { credentials, detail: where };
}

/** Link: shared credentials file. */
export const credentialsFileLink: Link = {
  name: 'shared-credentials-file',
  resolve: (context) => fromCredentialsFile(context, context.profile.name),
};

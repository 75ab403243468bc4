import { ChainSkip } from '../errors.js';
import { staticKeysFromSection } from './static-keys.js';
import type { ChainContext, Link, LinkResult } from './types.js';
import { profileIn } from './where.js';

/** Static keys in `[profile X]`/`[default]` of the config file alone. */
export async function fromConfigFile(context: ChainContext, profile: string): Promise<LinkResult> {
  const where = profileIn(context, profile, context.config.configPath);
  const section = context.config.configProfiles.get(profile);
  if (section === undefined) throw new ChainSkip(`no profile ${profile} in the config file`);
  const credentials = staticKeysFromSection(section, where);
  if (credentials === undefined) throw new ChainSkip(`${where} has no aws_access_key_id`);
  return { credentials, detail: where };
}

/** Link: config file. */
export const configFileLink: Link = {
  name: 'config-file',
  resolve: (context) => fromConfigFile(context, context.profile.name),
};

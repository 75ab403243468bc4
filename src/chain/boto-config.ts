import { ChainSkip, CredentialError } from '../errors.js';
import { readIniFile } from '../config/load.js';
import { expandPath, displayPath } from '../config/paths.js';
import { stringValue } from '../config/shared-config.js';
import { defineLink, type ChainContext } from './types.js';

function candidateFiles(context: ChainContext): string[] {
  const { env, homedir } = context.deps;
  const chosen = env['BOTO_CONFIG'];
  // BOTO_CONFIG replaces the defaults entirely; no fallback when it is missing.
  if (chosen !== undefined) return [expandPath(chosen, env, homedir)];
  return ['/etc/boto.cfg', expandPath('~/.boto', env, homedir)];
}

/** Link: boto2's `[Credentials]` section. */
export const botoConfigLink = defineLink({
  name: 'boto-config',
  async resolve(context) {
    const files = candidateFiles(context);
    for (const file of files) {
      const sections = await readIniFile(context.deps, file);
      const section = sections.get('Credentials');
      const accessKeyId = stringValue(section, 'aws_access_key_id');
      if (accessKeyId === undefined) continue;
      const where = `[Credentials] in ${displayPath(file, context.deps.env, context.deps.homedir)}`;
      const secretAccessKey = stringValue(section, 'aws_secret_access_key');
      if (secretAccessKey === undefined) {
        throw new CredentialError(`partial credentials in ${where}: aws_secret_access_key is missing`, `add it to ${where}`);
      }
      return { credentials: { accessKeyId, secretAccessKey }, detail: where };
    }
    throw new ChainSkip(`no [Credentials] with aws_access_key_id in ${files.map((f) => displayPath(f, context.deps.env, context.deps.homedir)).join(' or ')}`);
  },
  describe: ({ deps }) => (deps.env['BOTO_CONFIG'] === undefined ? undefined : `BOTO_CONFIG=${deps.env['BOTO_CONFIG']}`),
});

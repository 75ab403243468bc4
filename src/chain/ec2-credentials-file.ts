import { ChainSkip, ConfigError, CredentialError } from '../errors.js';
import { expandPath } from '../config/paths.js';
import { defineLink } from './types.js';

/** The legacy `key=value` file of the EC2 API tools. */
function parseKeyValueFile(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split(/\r\n|\r|\n/)) {
    const at = line.indexOf('=');
    if (at >= 0) values.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return values;
}

/** Link: AWS_CREDENTIAL_FILE (only when the variable is set; botocore then insists on it). */
export const ec2CredentialsFileLink = defineLink({
  name: 'ec2-credentials-file',
  async resolve({ deps }) {
    const setting = deps.env['AWS_CREDENTIAL_FILE'];
    if (setting === undefined) throw new ChainSkip('AWS_CREDENTIAL_FILE is not set');
    // botocore expands only ~ here, not $VARS.
    const path = expandPath(setting.replace(/\$/g, '\u0000'), { HOME: deps.env['HOME'] }, deps.homedir).replace(/\u0000/g, '$');
    const text = await deps.fs.readText(path).catch((error: NodeJS.ErrnoException) => {
      throw new ConfigError(`cannot read ${path} (AWS_CREDENTIAL_FILE): ${error.code ?? error.message}`, 'point AWS_CREDENTIAL_FILE at a readable file, or unset it');
    });
    if (text === undefined) {
      throw new ConfigError(`AWS_CREDENTIAL_FILE names ${path}, which does not exist`, 'unset AWS_CREDENTIAL_FILE or create the file');
    }
    const values = parseKeyValueFile(text);
    const accessKeyId = values.get('AWSAccessKeyId');
    if (accessKeyId === undefined) throw new ChainSkip(`${path} (AWS_CREDENTIAL_FILE) has no AWSAccessKeyId`);
    const secretAccessKey = values.get('AWSSecretKey');
    if (secretAccessKey === undefined) {
      throw new CredentialError(`partial credentials in ${path} (AWS_CREDENTIAL_FILE): AWSSecretKey is missing`, 'add AWSSecretKey=... to the file');
    }
    return { credentials: { accessKeyId, secretAccessKey }, detail: `${path} (AWS_CREDENTIAL_FILE)` };
  },
  describe: ({ deps }) => (deps.env['AWS_CREDENTIAL_FILE'] === undefined ? undefined : 'AWS_CREDENTIAL_FILE'),
});

import { CredentialError, ChainSkip } from '../errors.js';
import { defineLink } from './types.js';

/** Link 1: credentials passed in by the caller (API or `--credentials-json -`). */
export const explicitLink = defineLink({
  name: 'explicit',
  async resolve({ explicit }) {
    const accessKeyId = explicit?.accessKeyId;
    const secretAccessKey = explicit?.secretAccessKey;
    if (accessKeyId === undefined && secretAccessKey === undefined) throw new ChainSkip('no credentials passed explicitly');
    if (accessKeyId === undefined || secretAccessKey === undefined) {
      const missing = accessKeyId === undefined ? 'AccessKeyId' : 'SecretAccessKey';
      throw new CredentialError(`partial explicit credentials: ${missing} is missing`, 'pass both AccessKeyId and SecretAccessKey');
    }
    return {
      credentials: { accessKeyId, secretAccessKey, sessionToken: explicit?.sessionToken },
      detail: 'credentials passed explicitly',
    };
  },
});

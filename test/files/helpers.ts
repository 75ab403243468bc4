import type { Credentials } from '../../src/chain/types.js';

/** Credentials for profile `tag` with a session token of `size` characters (deterministic). */
export function sampleCredentials(tag: string, size = 40): Credentials {
  return {
    accessKeyId: `ASIA${tag.toUpperCase().replace(/[^A-Z0-9]/g, 'X').padStart(16, '0').slice(-16)}`,
    secretAccessKey: `secret/${tag}+SECRETCANARY`,
    sessionToken: `TOKENCANARY-${tag}-`.padEnd(size, tag.slice(-1) || 'x'),
    expiration: new Date(Date.UTC(2030, 0, 1, 1, 0, 0)),
  };
}

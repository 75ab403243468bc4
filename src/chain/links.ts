/**
 * The provider table: botocore's credential providers in botocore's order (spec §0). The main
 * chain, a source_profile's sub-chain, the shadow descriptions and the link names all come from
 * these rows. Adding a source is one file that exports a `defineLink(...)` and one row here.
 */
import { assumeRoleLink } from './assume-role.js';
import { botoConfigLink } from './boto-config.js';
import { configFileLink } from './config-file.js';
import { containerLink } from './container.js';
import { credentialsFileLink } from './credentials-file.js';
import { ec2CredentialsFileLink } from './ec2-credentials-file.js';
import { envLink } from './env.js';
import { explicitLink } from './explicit.js';
import { imdsLink } from './imds.js';
import { processLink } from './process.js';
import { ssoLink } from './sso.js';
import { webIdentityLink } from './web-identity.js';

export const LINKS = [
  explicitLink,
  envLink,
  assumeRoleLink,
  webIdentityLink,
  ssoLink,
  credentialsFileLink,
  processLink,
  configFileLink,
  ec2CredentialsFileLink,
  botoConfigLink,
  containerLink,
  imdsLink,
] as const;

export type LinkName = (typeof LINKS)[number]['name'];

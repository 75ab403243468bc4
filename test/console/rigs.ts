/** The console tests' world: the STS rig, a federation endpoint sharing its model, and a HOME with alice's keys and a role profile. */
import { afterAll, beforeAll } from 'vitest';
import { startFederationServer, type FederationRig } from '../rigs/federation-server.js';
import { FIXTURE, startStsServer, type StsRig } from '../rigs/sts-server.js';
import { makeHome, type FakeHome } from '../support/cli.js';

export interface ConsoleRigs {
  sts: StsRig;
  federation: FederationRig;
  home: FakeHome;
}

/** Registers the hooks; the returned object's fields are valid inside tests. `deployConfig` is added to profile deploy. */
export function useConsoleRigs(deployConfig = ''): ConsoleRigs {
  const { alice, roles } = FIXTURE;
  const rigs = {} as ConsoleRigs;
  beforeAll(async () => {
    rigs.sts = await startStsServer();
    rigs.federation = await startFederationServer(rigs.sts.model);
    rigs.home = await makeHome({
      '.aws/credentials': `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
      '.aws/config': `[profile deploy]\nrole_arn = ${roles.deploy}\nsource_profile = alice\n${deployConfig}`,
    });
  });
  afterAll(async () => {
    await rigs.federation?.close();
    await rigs.sts?.close();
    await rigs.home?.cleanup();
  });
  return rigs;
}

/** One local STS per test file and a fresh fake HOME per test, with STS pointed at the rig. */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startStsServer, type StsRig } from '../rigs/sts-server.js';
import { makeHome, type FakeHome } from './cli.js';

export interface StsAndHome {
  rig: StsRig;
  home: FakeHome;
}

/** Registers the hooks; the returned object's fields are valid inside tests. */
export function useStsAndHome(files: Record<string, string>): StsAndHome {
  const state = {} as StsAndHome;
  beforeAll(async () => {
    state.rig = await startStsServer();
  });
  afterAll(async () => {
    await state.rig.close();
  });
  beforeEach(async () => {
    state.rig.reset();
    state.home = await makeHome(files, { AWS_ENDPOINT_URL_STS: state.rig.url });
  });
  afterEach(async () => {
    await state.home.cleanup();
  });
  return state;
}

import { it } from 'vitest';
import { FIXTURE, startStsServer } from '../rigs/sts-server.js';
import { makeHome, runCli } from '../support/cli.js';

it('scratch', async () => {
  const rig = await startStsServer();
  const home = await makeHome({}, { AWS_ENDPOINT_URL_STS: rig.url, AWS_ACCESS_KEY_ID: FIXTURE.alice.accessKeyId, AWS_SECRET_ACCESS_KEY: FIXTURE.alice.secretAccessKey });
  const cases: [string, Parameters<typeof rig.fault>[0] | undefined, string[], Record<string, string>][] = [
    ['throttle', { kind: 'throttle' }, ['whoami'], {}],
    ['throttle2', { kind: 'throttle', times: 2 }, ['whoami'], {}],
    ['500', { kind: 'http500' }, ['whoami'], {}],
    ['503', { kind: 'http503' }, ['assume', '--role-arn', FIXTURE.roles.deploy], {}],
    ['hang', { kind: 'hang' }, ['whoami'], { AWSROLE_STS_TIMEOUT: '1' }],
    ['garbage-whoami', { kind: 'garbage' }, ['whoami'], {}],
    ['garbage-assume', { kind: 'garbage' }, ['assume', '--role-arn', FIXTURE.roles.deploy], {}],
    ['garbage-empty', { kind: 'garbage', body: '' }, ['whoami'], {}],
    ['garbage-xml', { kind: 'garbage', body: '<?xml version="1.0"?><Foo>bar</Foo>' }, ['assume', '--role-arn', FIXTURE.roles.deploy], {}],
  ];
  for (const [name, fault, args, env] of cases) {
    rig.reset();
    if (fault) rig.fault(fault); else rig.clearFaults();
    const t = Date.now();
    const r = await runCli(args, { ...home.env, ...env });
    rig.clearFaults();
    console.log(`== ${name}: code=${r.code} ms=${Date.now() - t} calls=${rig.count()} stdout=${JSON.stringify(r.stdout.slice(0, 200))}\n${r.stderr}`);
  }
  await rig.close();
  await home.cleanup();
});

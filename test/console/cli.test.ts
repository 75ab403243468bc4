/** `awsrole console` as a user runs it: the built CLI, its own process, the network guard, the rigs on loopback. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useConsoleRigs } from './rigs.js';

describe('the built CLI', () => {
  const rigs = useConsoleRigs();

  it('console --print from a role profile prints the sign-in URL alone (the federation client loads in the bundle)', async () => {
    const { sts, federation, home } = rigs;
    const result = await runCli(['console', '--profile', 'deploy', '--service', 'iam', '--print'], {
      ...home.env,
      AWS_ENDPOINT_URL_STS: sts.url,
      AWS_ENDPOINT_URL_SIGNIN: federation.url,
      AWS_REGION: 'us-west-2',
    });
    const issued = federation.calls.find((call) => call.action === 'getSigninToken');
    expect(issued?.status, issued?.refusal).toBe(200);
    const destination = encodeURIComponent('https://us-west-2.console.aws.amazon.com/iam/home?region=us-west-2');
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
      code: 0,
      stdout: `${federation.url}/federation?Action=login&Issuer=awsrole&Destination=${destination}&SigninToken=${encodeURIComponent(issued?.signinToken ?? '')}\n`,
      stderr: '',
    });
  });
});

describe("the selected profile's ca_bundle", () => {
  const rigs = useConsoleRigs('ca_bundle = /nonexistent/awsrole-test-ca.pem\n');

  it('is the trust store of the federation endpoint too (STS over http never reads it)', async () => {
    const { sts, home } = rigs;
    const result = await runCli(['console', '--profile', 'deploy', '--print'], {
      ...home.env,
      AWS_ENDPOINT_URL_STS: sts.url,
      // https on a port nobody listens on: the bundle is read before any connection is tried.
      AWS_ENDPOINT_URL_SIGNIN: 'https://127.0.0.1:1',
      AWS_REGION: 'us-west-2',
    });
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('awsrole: ca_bundle of profile deploy: /nonexistent/awsrole-test-ca.pem does not exist\n');
  });
});

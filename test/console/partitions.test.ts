/** The pure parts of console sign-in: partitions, federation endpoints, destinations, the opener command, the federated user's name. */
import { describe, expect, it } from 'vitest';
import { openerCommand } from '../../src/console/browser.js';
import { checkDestinationFlags, consoleDestination } from '../../src/console/destination.js';
import { federationEndpoint } from '../../src/console/federation.js';
import { consoleRegion, partitionFor, PARTITIONS } from '../../src/console/partitions.js';
import { federationName } from '../../src/console/signin-credentials.js';
import { ExitCode } from '../../src/errors.js';

const [aws, awsCn, awsUsGov] = PARTITIONS as [(typeof PARTITIONS)[number], (typeof PARTITIONS)[number], (typeof PARTITIONS)[number]];

function exitCodeOf(action: () => unknown): number | undefined {
  try {
    action();
  } catch (error) {
    return (error as { exitCode?: number }).exitCode;
  }
  return undefined;
}

describe('partitions and federation endpoints', () => {
  it.each([
    ['arn:aws:iam::111122223333:role/deploy', 'cn-north-1', 'aws', 'https://signin.aws.amazon.com/federation'],
    ['arn:aws-cn:iam::111122223333:role/deploy', 'eu-west-1', 'aws-cn', 'https://signin.amazonaws.cn/federation'],
    ['arn:aws-us-gov:iam::111122223333:role/deploy', undefined, 'aws-us-gov', 'https://signin.amazonaws-us-gov.com/federation'],
    [undefined, 'cn-northwest-1', 'aws-cn', 'https://signin.amazonaws.cn/federation'],
    [undefined, 'us-gov-east-1', 'aws-us-gov', 'https://signin.amazonaws-us-gov.com/federation'],
    [undefined, 'eu-central-1', 'aws', 'https://signin.aws.amazon.com/federation'],
    [undefined, undefined, 'aws', 'https://signin.aws.amazon.com/federation'],
  ])('role %s, region %s → %s at %s (the role ARN wins over the region)', (roleArn, region, name, endpoint) => {
    const partition = partitionFor(roleArn, region);
    expect(partition.name).toBe(name);
    expect(federationEndpoint(partition, {}).href).toBe(endpoint);
  });

  it('a partition without a console sign-in awsrole knows: exit 2', () => {
    expect(exitCodeOf(() => partitionFor('arn:aws-iso:iam::111122223333:role/deploy', undefined))).toBe(ExitCode.usage);
  });

  it('AWS_ENDPOINT_URL_SIGNIN replaces the scheme and host; the path stays /federation', () => {
    expect(federationEndpoint(awsCn, { AWS_ENDPOINT_URL_SIGNIN: 'http://127.0.0.1:8080/some/path?x=1' }).href).toBe('http://127.0.0.1:8080/federation');
    expect(federationEndpoint(aws, { AWS_ENDPOINT_URL_SIGNIN: 'https://signin.example.com' }).href).toBe('https://signin.example.com/federation');
    expect(exitCodeOf(() => federationEndpoint(aws, { AWS_ENDPOINT_URL_SIGNIN: 'signin.example.com' }))).toBe(ExitCode.config);
  });

  it("the console region: the configured one when it is in the partition, else the partition's default", () => {
    expect(consoleRegion(aws, 'eu-west-1')).toBe('eu-west-1');
    expect(consoleRegion(aws, undefined)).toBe('us-east-1');
    expect(consoleRegion(awsCn, 'eu-west-1')).toBe('cn-north-1');
    expect(consoleRegion(awsUsGov, 'us-gov-east-1')).toBe('us-gov-east-1');
  });
});

describe('destinations', () => {
  it.each([
    [aws, 'eu-west-1', {}, 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1'],
    [aws, 'us-east-1', { service: 'ec2' }, 'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1'],
    [awsCn, 'cn-north-1', {}, 'https://cn-north-1.console.amazonaws.cn/console/home?region=cn-north-1'],
    [awsUsGov, 'us-gov-west-1', { service: 's3' }, 'https://us-gov-west-1.console.amazonaws-us-gov.com/s3/home?region=us-gov-west-1'],
    [awsCn, 'cn-north-1', { destination: 'https://console.amazonaws.cn/iam/home' }, 'https://console.amazonaws.cn/iam/home'],
    [aws, 'eu-west-1', { destination: 'https://eu-west-1.console.aws.amazon.com/s3/buckets?region=eu-west-1' }, 'https://eu-west-1.console.aws.amazon.com/s3/buckets?region=eu-west-1'],
  ])('%o in %s with %o → %s', (partition, region, flags, expected) => {
    expect(consoleDestination(flags, partition, region)).toBe(expected);
  });

  it.each([
    'https://console.aws.amazon.com:8443/',
    'https://user@console.aws.amazon.com/',
    'https://xconsole.aws.amazon.com/',
    'https://signin.aws.amazon.com/federation',
    'javascript:alert(1)',
  ])('%s is refused (exit 2)', (destination) => {
    expect(exitCodeOf(() => consoleDestination({ destination }, aws, 'us-east-1'))).toBe(ExitCode.usage);
  });

  it('--service takes a console service name only', () => {
    expect(exitCodeOf(() => checkDestinationFlags({ service: 'cloudwatch' }))).toBeUndefined();
    expect(exitCodeOf(() => checkDestinationFlags({ service: '../evil' }))).toBe(ExitCode.usage);
    expect(exitCodeOf(() => checkDestinationFlags({ service: 'S3' }))).toBe(ExitCode.usage);
  });
});

describe('the opener command', () => {
  const url = 'https://signin.aws.amazon.com/federation?Action=login&a=b';
  it.each([
    [{ BROWSER: 'firefox' }, 'linux', ['firefox', url]],
    [{ BROWSER: '  /opt/browser  --new-window ' }, 'darwin', ['/opt/browser', '--new-window', url]],
    [{ BROWSER: '' }, 'linux', ['xdg-open', url]],
    [{}, 'freebsd', ['xdg-open', url]],
    [{}, 'darwin', ['open', url]],
    [{}, 'win32', ['rundll32', 'url.dll,FileProtocolHandler', url]],
  ] as const)('%o on %s → %o', (env, os, argv) => {
    expect(openerCommand(env, os, url)).toEqual(argv);
  });
});

describe("the federated user's Name", () => {
  it.each([
    ['arn:aws:iam::111122223333:user/alice', 'alice'],
    ['arn:aws:iam::111122223333:user/team/ops/bob', 'bob'],
    ['arn:aws:iam::111122223333:root', 'root'],
    ['arn:aws:iam::111122223333:user/a-very-long-user-name-that-goes-past-32-chars', 'a-very-long-user-name-that-goes-'],
    ['arn:aws:iam::111122223333:user/x', 'awsrole'],
  ])('%s → %s (STS: 2–32 of [\\w+=,.@-])', (arn, name) => {
    expect(federationName(arn)).toBe(name);
    expect(name).toMatch(/^[\w+=,.@-]{2,32}$/);
  });
});

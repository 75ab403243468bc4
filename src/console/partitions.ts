/**
 * The partitions whose console accepts a federation sign-in, and which one a sign-in is for:
 * the role ARN's partition when there is a role, else the region's.
 */
import { UsageError } from '../errors.js';
import { shown } from '../domain/text.js';

export interface Partition {
  readonly name: 'aws' | 'aws-cn' | 'aws-us-gov';
  /** Host of the federation endpoint (`https://HOST/federation`). */
  readonly signinHost: string;
  /** Host of the console; regional pages are on `REGION.HOST`. */
  readonly consoleHost: string;
  /** The region a console page opens in when none is configured (or the configured one is elsewhere). */
  readonly defaultRegion: string;
}

export const PARTITIONS: readonly Partition[] = [
  { name: 'aws', signinHost: 'signin.aws.amazon.com', consoleHost: 'console.aws.amazon.com', defaultRegion: 'us-east-1' },
  { name: 'aws-cn', signinHost: 'signin.amazonaws.cn', consoleHost: 'console.amazonaws.cn', defaultRegion: 'cn-north-1' },
  { name: 'aws-us-gov', signinHost: 'signin.amazonaws-us-gov.com', consoleHost: 'console.amazonaws-us-gov.com', defaultRegion: 'us-gov-west-1' },
];

function named(name: string): Partition | undefined {
  return PARTITIONS.find((partition) => partition.name === name);
}

/** cn-* regions are aws-cn, us-gov-* are aws-us-gov, every other is aws. */
function partitionOfRegion(region: string): Partition {
  if (region.startsWith('cn-')) return named('aws-cn') as Partition;
  if (region.startsWith('us-gov-')) return named('aws-us-gov') as Partition;
  return named('aws') as Partition;
}

/** The partition of `arn:PARTITION:iam::…` (checked against STS's rules already), else of the region, else aws. */
export function partitionFor(roleArn: string | undefined, region: string | undefined): Partition {
  if (roleArn !== undefined) {
    const name = roleArn.split(':')[1] ?? '';
    const partition = named(name);
    if (partition === undefined) {
      throw new UsageError(`console: partition ${shown(name)} of ${shown(roleArn)} has no console sign-in awsrole knows`, `awsrole console signs in to ${PARTITIONS.map((known) => known.name).join(', ')}`);
    }
    return partition;
  }
  return partitionOfRegion(region ?? 'us-east-1');
}

/** The configured region when it belongs to the partition; otherwise the partition's default. */
export function consoleRegion(partition: Partition, region: string | undefined): string {
  return region !== undefined && partitionOfRegion(region) === partition ? region : partition.defaultRegion;
}

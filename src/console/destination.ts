/** The console page a sign-in lands on: --destination as given, --service's home, or the console home. */
import { UsageError } from '../errors.js';
import { shown } from '../domain/text.js';
import type { Partition } from './partitions.js';

export interface DestinationFlags {
  service?: string | undefined;
  destination?: string | undefined;
}

/** A service's path segment as the console names it (`s3`, `ec2`, `cloudwatch`, `iam`). */
const SERVICE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Shape checks that need no partition: run first, before anything is read. */
export function checkDestinationFlags(flags: DestinationFlags): void {
  if (flags.service !== undefined && flags.destination !== undefined) {
    throw new UsageError('--service and --destination both name the page to open', 'pass one of them');
  }
  if (flags.service !== undefined && !SERVICE_NAME.test(flags.service)) {
    throw new UsageError(`--service: ${shown(flags.service)} is not a console service name`, 'write it as the console spells it in its URLs: s3, ec2, cloudwatch, iam');
  }
}

function isOnConsoleHost(url: URL, partition: Partition): boolean {
  const host = url.hostname.toLowerCase();
  const onHost = host === partition.consoleHost || host.endsWith(`.${partition.consoleHost}`);
  return url.protocol === 'https:' && onHost && url.port === '' && url.username === '' && url.password === '';
}

/** The destination URL; a --destination that is not https on the partition's console host is refused (exit 2). */
export function consoleDestination(flags: DestinationFlags, partition: Partition, region: string): string {
  if (flags.destination !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(flags.destination);
    } catch {
      url = undefined;
    }
    if (url === undefined || !isOnConsoleHost(url, partition)) {
      throw new UsageError(
        `--destination: ${shown(flags.destination)} is not an https page of the ${partition.name} console (${partition.consoleHost})`,
        `write it like https://${region}.${partition.consoleHost}/ec2/home?region=${region}, or use --service NAME`,
      );
    }
    return flags.destination;
  }
  const service = flags.service ?? 'console';
  return `https://${region}.${partition.consoleHost}/${service}/home?region=${region}`;
}

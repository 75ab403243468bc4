import type { Deps } from '../deps.js';
import { resolveRegion } from '../sts/settings.js';
import { resolveSource, type SourceOptions } from './common.js';
import { checkDeliverOptions, deliverCredentials, type DeliverOptions } from './deliver.js';

export interface ExportOptions extends SourceOptions, DeliverOptions {}

/** `awsrole export`: the chain's own credentials, like `aws configure export-credentials`. */
export async function exportCommand(deps: Deps, options: ExportOptions): Promise<void> {
  checkDeliverOptions(deps, options);
  const { resolution, config } = await resolveSource(deps, options);
  const region = resolveRegion(deps.env, config, resolution.profile.name, options.region);
  await deliverCredentials(deps, resolution.credentials, region, options);
}

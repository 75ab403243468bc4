import type { Deps } from '../deps.js';
import { defaultFormat, parseFormat, renderCredentials } from '../output/index.js';
import { resolveRegion } from '../sts/settings.js';
import { resolveSource, type SourceOptions } from './common.js';

export interface ExportOptions extends SourceOptions {
  format?: string | undefined;
}

/** `awsrole export`: the chain's own credentials, like `aws configure export-credentials`. */
export async function exportCommand(deps: Deps, options: ExportOptions): Promise<void> {
  const format = options.format === undefined ? defaultFormat(deps.env) : parseFormat(options.format);
  const { resolution, config } = await resolveSource(deps, options);
  const region = resolveRegion(deps.env, config, resolution.profile.name, options.region);
  deps.stdout.write(renderCredentials(format, resolution.credentials, region));
}

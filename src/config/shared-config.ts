/** A section's keys, lower-cased as botocore does; indented sub-blocks become nested maps. */
export type Section = Record<string, string | Record<string, string>>;

export interface SharedConfig {
  configPath: string;
  credentialsPath: string;
  /** `[profile X]` and `[default]` of the config file, by profile name. */
  configProfiles: ReadonlyMap<string, Section>;
  /** Sections of the credentials file, by raw name. */
  credentialsProfiles: ReadonlyMap<string, Section>;
  /** `[services X]` of the config file. */
  services: ReadonlyMap<string, Section>;
  /** `[sso-session X]` of the config file (absent where a test builds a config by hand). */
  ssoSessions?: ReadonlyMap<string, Section> | undefined;
}

export function stringValue(section: Section | undefined, key: string): string | undefined {
  const value = section?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** botocore's merged view: config profile overlaid key by key with the credentials file. */
export function mergedProfile(config: SharedConfig, name: string): Section | undefined {
  const fromConfig = config.configProfiles.get(name);
  const fromCredentials = config.credentialsProfiles.get(name);
  if (fromConfig === undefined && fromCredentials === undefined) return undefined;
  return { ...fromConfig, ...fromCredentials };
}

export function profileExists(config: SharedConfig, name: string): boolean {
  return config.configProfiles.has(name) || config.credentialsProfiles.has(name);
}

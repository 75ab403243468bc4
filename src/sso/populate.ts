/**
 * `awsrole sso populate`: one `[profile NAME]` per account and role the signed-in user is
 * assigned (ListAccounts and ListAccountRoles, every page), written into the config file with
 * every other byte kept (src/config/profile-writer.ts), atomically, 0600, under the file's lock.
 *
 * What populate writes carries `awsrole_populated = true` (a key botocore and the AWS CLI
 * ignore): only such profiles are ever rewritten or, with --prune, removed; a hand-written
 * profile of the same name is left alone. A generated profile whose keys are already right is
 * not touched, so running it again changes nothing.
 */
import { parseIni } from '../config/ini.js';
import { configProfiles } from '../config/load.js';
import { configFilePath, displayPath } from '../config/paths.js';
import { checkSection, SectionEditor } from '../config/profile-writer.js';
import type { Section, SharedConfig } from '../config/shared-config.js';
import { strictUtf8 } from '../config/utf8.js';
import type { Deps } from '../deps.js';
import { plural, shown, terminalSafe } from '../domain/text.js';
import { ConfigError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { errorCode } from '../files/errno.js';
import { lockPathFor, withFileLock } from '../files/lock.js';
import { ssoEndpoints } from './endpoints.js';
import { listAccountRoles, listAccounts } from './portal.js';
import type { SsoSignIn } from './profile.js';
import { loginCommand } from './role-credentials.js';
import { loadAccessToken } from './token.js';

export const POPULATED_KEY = 'awsrole_populated';
export const DEFAULT_TEMPLATE = '{account_name}.{role_name}';
const PLACEHOLDERS = ['account_name', 'account_id', 'role_name', 'sso_session'] as const;

export interface PopulateOptions {
  /** The sign-in of an sso-session (legacy start URLs cannot be populated: profiles name a session). */
  signIn: SsoSignIn & { session: NonNullable<SsoSignIn['session']> };
  /** The selected profile: its endpoint settings apply to the portal client. */
  profile: string;
  template: string;
  region?: string | undefined;
  prune: boolean;
}

interface Assignment {
  accountId: string;
  accountName: string;
  roleName: string;
}

/** Anything but letters, digits and . _ - @ + = , / becomes `-`: a name INI, botocore and shells take as it is. */
export function safeProfileName(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._@+=,/-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/** Checks the template's placeholders before any call. */
export function checkTemplate(template: string): void {
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)].map((match) => match[1] ?? '').filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new UsageError(`--template ${shown(template)}: unknown placeholder {${unknown[0]}}`, `use ${PLACEHOLDERS.map((name) => `{${name}}`).join(', ')}`);
  if (!template.includes('{role_name}')) throw new UsageError(`--template ${shown(template)} has no {role_name}: every role of an account would get the same name`, `e.g. --template '${DEFAULT_TEMPLATE}'`);
}

function nameOf(template: string, assignment: Assignment, session: string): string {
  const values: Record<(typeof PLACEHOLDERS)[number], string> = { account_name: assignment.accountName, account_id: assignment.accountId, role_name: assignment.roleName, sso_session: session };
  return safeProfileName(template.replace(/\{(\w+)\}/g, (_, name: keyof typeof values) => values[name]));
}

async function assignments(deps: Deps, config: SharedConfig, options: PopulateOptions): Promise<Assignment[]> {
  const { signIn } = options;
  const login = `sign in with \`${loginCommand(signIn.session.name, '--sso-session')}\``;
  const endpoints = ssoEndpoints(deps, config, options.profile, signIn.region, `sso_region of [sso-session ${signIn.session.name}]`);
  const token = await loadAccessToken(deps, { profile: options.profile, ...signIn }, { loginHint: login, oidcEndpoint: () => endpoints.oidc });
  const accounts = await listAccounts(deps, endpoints.portal, token.accessToken, { login });
  const found: Assignment[] = [];
  for (const account of accounts) {
    for (const roleName of await listAccountRoles(deps, endpoints.portal, account.accountId, token.accessToken, { login })) found.push({ ...account, roleName });
  }
  return found;
}

type Entries = [string, string][];

/** The profiles to write, by name; two assignments with one name are refused. */
function wanted(found: readonly Assignment[], options: PopulateOptions): Map<string, Entries> {
  const session = options.signIn.session.name;
  const profiles = new Map<string, Entries>();
  for (const assignment of found) {
    const name = nameOf(options.template, assignment, session);
    if (profiles.has(name) || name === '') {
      throw new UsageError(`--template ${shown(options.template)} gives ${name === '' ? 'an empty name' : `the name ${shown(name)} to more than one role`}`, 'add {account_id} to the template, e.g. --template "{account_name}-{account_id}.{role_name}"');
    }
    const entries: Entries = [
      ['sso_session', session],
      ['sso_account_id', assignment.accountId],
      ['sso_role_name', assignment.roleName],
      ...(options.region === undefined ? [] : [['region', options.region] as [string, string]]),
      [POPULATED_KEY, 'true'],
    ];
    checkSection(name, entries);
    profiles.set(name, entries);
  }
  return profiles;
}

function isPopulated(section: Section | undefined): boolean {
  return section?.[POPULATED_KEY] === 'true';
}

/** A generated profile's entries with the keys a user added since kept after them. */
function withUserKeys(entries: Entries, section: Section): Entries {
  const ours = new Set(entries.map(([key]) => key));
  const added = Object.entries(section).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && !ours.has(entry[0]));
  return [...entries, ...added];
}

/** Our keys already there with our values (other keys, a region included, are the user's). */
function sameKeys(entries: Entries, section: Section): boolean {
  return entries.every(([key, value]) => section[key] === value);
}

const sectionName = (profile: string): string => (profile === 'default' ? 'default' : `profile ${profile}`);

interface Changes {
  text: string;
  lines: string[];
  counts: { added: number; updated: number; unchanged: number; removed: number; skipped: number };
  /** What the text must now hold: each profile written with its keys, and none of those removed. */
  written: Map<string, Entries>;
  removed: string[];
}

function applyChanges(text: string, config: SharedConfig, profiles: Map<string, Entries>, options: PopulateOptions): Changes {
  const counts = { added: 0, updated: 0, unchanged: 0, removed: 0, skipped: 0 };
  const lines: string[] = [];
  const written = new Map<string, Entries>();
  const removed: string[] = [];
  const editor = new SectionEditor(text);
  for (const [name, entries] of profiles) {
    const existing = config.configProfiles.get(name);
    if (existing !== undefined && !isPopulated(existing)) {
      counts.skipped++;
      lines.push(`  skipped ${name}: a profile of that name exists and was not written by populate`);
    } else if (existing !== undefined && sameKeys(entries, existing)) counts.unchanged++;
    else {
      const keys = existing === undefined ? entries : withUserKeys(entries, existing);
      editor.upsert(sectionName(name), keys);
      written.set(name, keys);
      counts[existing === undefined ? 'added' : 'updated']++;
      lines.push(`  ${existing === undefined ? 'added' : 'updated'} ${name}`);
    }
  }
  if (options.prune) {
    for (const [name, section] of config.configProfiles) {
      if (!isPopulated(section) || section['sso_session'] !== options.signIn.session.name || profiles.has(name)) continue;
      editor.remove(sectionName(name));
      removed.push(name);
      counts.removed++;
      lines.push(`  removed ${name}`);
    }
  }
  return { text: editor.text(), lines, counts, written, removed };
}

/** An edit the config refuses (a duplicate section, an indented header below a removal), said with the file's name. */
function namingTheFile(shownPath: string, edit: () => Changes): Changes {
  try {
    return edit();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(`cannot update ${shownPath}: ${error.message}; nothing was written`, error.hint);
  }
}

/** The new text read back as the AWS CLI will read it: every profile written holds its keys, none removed is left. */
function checkReadsBack(changes: Changes, shownPath: string): void {
  let profiles: ReadonlyMap<string, Section>;
  try {
    profiles = configProfiles(parseIni(changes.text), 'profile');
  } catch (error) {
    throw new ConfigError(`cannot update ${shownPath}: the result would not read back (${(error as Error).message}); nothing was written`, 'please report it, with the config file (secrets removed)');
  }
  const wrong = [...changes.written].find(([name, entries]) => !entries.every(([key, value]) => profiles.get(name)?.[key] === value))?.[0] ?? changes.removed.find((name) => profiles.has(name));
  if (wrong !== undefined) {
    throw new ConfigError(`cannot update ${shownPath}: profile ${shown(wrong)} would not read back as written; nothing was written`, 'please report it, with the config file (secrets removed)');
  }
}

async function readConfigText(deps: Deps, path: string, shownPath: string): Promise<string> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await deps.fs.readBytes(path);
  } catch (error) {
    throw new ConfigError(`cannot read ${shownPath}: ${errorCode(error) ?? String(error)}`, 'check the file and its permissions');
  }
  try {
    return bytes === undefined ? '' : strictUtf8.decode(bytes);
  } catch {
    throw new ConfigError(`cannot update ${shownPath}: it is not UTF-8 text`, 'fix the file; awsrole would not change bytes it cannot read');
  }
}

export async function populate(deps: Deps, config: SharedConfig, options: PopulateOptions): Promise<void> {
  checkTemplate(options.template);
  const profiles = wanted(await assignments(deps, config, options), options);
  const path = configFilePath(deps.env, deps.homedir);
  const shownPath = displayPath(path, deps.env, deps.homedir);
  const target = await deps.fs.realpath(path).catch(() => path);
  const changes = await withFileLock(
    deps,
    lockPathFor(target),
    async () => {
      const old = await readConfigText(deps, path, shownPath);
      const changed = namingTheFile(shownPath, () => applyChanges(old, config, profiles, options));
      if (changed.text === old) return changed;
      checkReadsBack(changed, shownPath);
      await writeFileAtomic(deps, path, changed.text);
      return changed;
    },
    { label: shownPath },
  );
  const { added, updated, unchanged, removed, skipped } = changes.counts;
  const summary = `${plural(profiles.size, 'role')} assigned in sso-session ${options.signIn.session.name}: ${added} added, ${updated} updated, ${unchanged} unchanged, ${removed} removed, ${skipped} skipped in ${shownPath}`;
  deps.stderr.write(terminalSafe(`${[summary, ...changes.lines].join('\n')}\n`));
}

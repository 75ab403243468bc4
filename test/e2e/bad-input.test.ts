/**
 * Bad input is refused before any network call (DESIGN: "Streams, exit codes, errors").
 *
 * Every row runs the whole CLI in process (run() with test deps; a row whose point is that
 * the process must not block runs the built CLI) against a local STS rig with working source credentials, so a
 * request that slipped through would reach the rig and be counted. Each row asserts: the exit
 * code (2 for a flag or argument, 5 for a value in a file / unknown profile / cycle / broken
 * file, 3 for a configured source that is broken), stdout exactly empty, stderr one
 * `awsrole: ...` line plus at most one `  hint: ...` line that names the culprit, no secret on
 * stderr, no STS request, and every file in the fake HOME unchanged (content and mode).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE, startStsServer, type StsRig } from '../rigs/sts-server.js';
import { snapshotTree, type TreeSnapshot } from './bad-input-support.js';
import { baseEnv, runBounded } from './faults-support.js';
import { runInProcess } from '../support/in-process.js';
import { expectNoCanary, RUN_LIMIT_MS } from '../support/cli.js';
import { tempDir } from '../support/cleanup.js';

const { alice, bob, roles } = FIXTURE;

const CREDENTIALS = `[default]
aws_access_key_id = ${alice.accessKeyId}
aws_secret_access_key = ${alice.secretAccessKey}

[alice]
aws_access_key_id = ${alice.accessKeyId}
aws_secret_access_key = ${alice.secretAccessKey}

[bob]
aws_access_key_id = ${bob.accessKeyId}
aws_secret_access_key = ${bob.secretAccessKey}
`;

const CONFIG = `[default]
region = eu-west-1

[profile alice]
region = eu-west-1

[profile deploy]
role_arn = ${roles.deploy}
source_profile = alice
`;

const DEPLOY = roles.deploy;
const ACCOUNT = FIXTURE.account;
const POLICY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
/** A role profile; `extra` lines are added to it. */
const roleProfile = (name: string, ...extra: string[]): string => [`[profile ${name}]`, ...extra, ''].join('\n');

interface Row {
  name: string;
  args: string[];
  code: 2 | 3 | 5;
  /** Each must appear in the message (the culprit: flag, profile, file, value). */
  mentions: (string | RegExp)[];
  /** Added to the environment (after the base). */
  env?: Record<string, string>;
  /** Text appended to ~/.aws/config. */
  config?: string;
  /** Replaces a file in HOME (path relative to HOME) before the run. */
  files?: Record<string, string | Uint8Array>;
  /** Anything else to prepare in HOME; gets the HOME path. */
  setup?: (home: string) => Promise<void>;
  stdin?: string;
  /** Run the built CLI in its own process: the row is about not blocking (a hang must be killable). */
  spawned?: true;
}

const sessionTags = (n: number): string[] => Array.from({ length: n }, (_, i) => ['--tag', `k${i}=v`]).flat();
const policyArns = (n: number): string[] => Array.from({ length: n }, (_, i) => ['--policy-arn', `arn:aws:iam::${ACCOUNT}:policy/p${i}`]).flat();

const ROWS: Row[] = [
  // ---- --role-arn (exit 2) --------------------------------------------------------------------
  { name: '--role-arn: unknown partition', args: ['assume', '--role-arn', `arn:aws-moon:iam::${ACCOUNT}:role/deploy`], code: 2, mentions: ['--role-arn', 'aws-moon', 'partition'] },
  { name: '--role-arn: service sts instead of iam', args: ['assume', '--role-arn', `arn:aws:sts::${ACCOUNT}:role/deploy`], code: 2, mentions: ['--role-arn', 'iam'] },
  { name: '--role-arn: 11-digit account', args: ['assume', '--role-arn', 'arn:aws:iam::11112222333:role/deploy'], code: 2, mentions: ['--role-arn', '12 digits'] },
  { name: '--role-arn: 13-digit account', args: ['assume', '--role-arn', 'arn:aws:iam::1111222233334:role/deploy'], code: 2, mentions: ['--role-arn', '12 digits'] },
  { name: '--role-arn: a user, not a role', args: ['assume', '--role-arn', alice.arn], code: 2, mentions: ['--role-arn', 'role/NAME', '"user"'] },
  { name: '--role-arn: no role name', args: ['assume', '--role-arn', `arn:aws:iam::${ACCOUNT}:role/`], code: 2, mentions: ['--role-arn', 'role name'] },
  { name: '--role-arn: with a region', args: ['assume', '--role-arn', `arn:aws:iam:us-east-1:${ACCOUNT}:role/deploy`], code: 2, mentions: ['--role-arn', 'no region'] },
  { name: '--role-arn: too short (19 chars)', args: ['assume', '--role-arn', 'arn:aws:iam::1:role'], code: 2, mentions: ['--role-arn'] },
  { name: '--role-arn: a bare role name', args: ['assume', '--role-arn', 'deploy'], code: 2, mentions: ['--role-arn', 'arn:aws:iam::123456789012:role/NAME'] },
  { name: '--role-arn: too long (2049 chars)', args: ['assume', '--role-arn', `arn:aws:iam::${ACCOUNT}:role/${'r'.repeat(2049 - 31)}`], code: 2, mentions: ['--role-arn', '2048'] },
  { name: '--role-arn: a newline and a terminal escape stay escaped', args: ['assume', '--role-arn', 'arn:aws:iam::1111\n2222\u001b[2J3333:role/x'], code: 2, mentions: ['--role-arn', '\\n', '\\u001b'] },
  { name: 'exec --role-arn: malformed, checked before the chain runs', args: ['exec', '--role-arn', 'arn:aws:iam::123:role/x', '--', 'true'], code: 2, mentions: ['--role-arn', '12 digits'] },

  // ---- --role-session-name (exit 2) ------------------------------------------------------------
  { name: '--role-session-name: 1 character', args: ['assume', '--role-arn', DEPLOY, '--role-session-name', 'a'], code: 2, mentions: ['--role-session-name', '2–64'] },
  { name: '--role-session-name: 65 characters', args: ['assume', '--role-arn', DEPLOY, '--role-session-name', 's'.repeat(65)], code: 2, mentions: ['--role-session-name', '2–64', 'got 65'] },
  { name: '--role-session-name: a space', args: ['assume', '--role-arn', DEPLOY, '--role-session-name', 'my session'], code: 2, mentions: ['--role-session-name', '+=,.@_-'] },
  { name: '--role-session-name: a *', args: ['assume', '--role-arn', DEPLOY, '--role-session-name', 'ops*'], code: 2, mentions: ['--role-session-name', '+=,.@_-'] },

  // ---- --duration (exit 2) ---------------------------------------------------------------------
  { name: '--duration 899 (below 900)', args: ['assume', '--role-arn', DEPLOY, '--duration', '899'], code: 2, mentions: ['--duration', '900–43200', 'got 899'] },
  { name: '--duration 43201 (above 12 h)', args: ['assume', '--role-arn', DEPLOY, '--duration', '43201'], code: 2, mentions: ['--duration', '900–43200'] },
  { name: '--duration abc', args: ['assume', '--role-arn', DEPLOY, '--duration', 'abc'], code: 2, mentions: ['--duration', '"abc"', '1h'] },
  { name: '--duration 1x', args: ['assume', '--role-arn', DEPLOY, '--duration', '1x'], code: 2, mentions: ['--duration', '"1x"'] },
  { name: '--duration -5', args: ['assume', '--role-arn', DEPLOY, '--duration', '-5'], code: 2, mentions: ['--duration', '"-5"'] },
  { name: '--duration "" (empty)', args: ['assume', '--role-arn', DEPLOY, '--duration', ''], code: 2, mentions: ['--duration', '""'] },
  {
    name: '--duration with a newline and a terminal escape',
    args: ['assume', '--role-arn', DEPLOY, '--duration', '1h\n\u001b[2Jnow'],
    code: 2,
    mentions: ['--duration'],
  },
  { name: 'mfa --duration 129601 (above 36 h)', args: ['mfa', '--serial', alice.mfaSerial, '--code', alice.mfaCode, '--duration', '129601'], code: 2, mentions: ['--duration', '900–129600'] },

  // ---- MFA codes and serials (exit 2) ----------------------------------------------------------
  { name: '--token-code 12345 (five digits)', args: ['assume', '--role-arn', roles.mfaAdmin, '--serial-number', alice.mfaSerial, '--token-code', '12345'], code: 2, mentions: ['--token-code', '6 digits'] },
  { name: 'mfa --code 1234567 (seven digits)', args: ['mfa', '--serial', alice.mfaSerial, '--code', '1234567'], code: 2, mentions: ['--code', '6 digits'] },
  { name: 'mfa --code 12a456 (a letter)', args: ['mfa', '--serial', alice.mfaSerial, '--code', '12a456'], code: 2, mentions: ['--code', '6 digits'] },
  { name: '--serial-number neither an ARN nor a hardware serial', args: ['assume', '--role-arn', roles.mfaAdmin, '--serial-number', 'my-phone-app', '--token-code', alice.mfaCode], code: 2, mentions: ['--serial-number', 'arn:aws:iam::ACCOUNT:mfa/NAME'] },
  { name: 'mfa --serial: a user ARN, not an MFA device', args: ['mfa', '--serial', alice.arn, '--code', alice.mfaCode], code: 2, mentions: ['--serial', ':mfa/NAME'] },
  { name: 'mfa --serial: too short', args: ['mfa', '--serial', 'ABC123', '--code', alice.mfaCode], code: 2, mentions: ['--serial', '9–256'] },

  // ---- --external-id (exit 2) ------------------------------------------------------------------
  { name: '--external-id: 1 character', args: ['assume', '--role-arn', roles.partner, '--external-id', 'x'], code: 2, mentions: ['--external-id', '2–1224'] },
  { name: '--external-id: 1225 characters', args: ['assume', '--role-arn', roles.partner, '--external-id', 'e'.repeat(1225)], code: 2, mentions: ['--external-id', '2–1224', 'got 1225'] },
  { name: '--external-id: a space', args: ['assume', '--role-arn', roles.partner, '--external-id', 'partner ext'], code: 2, mentions: ['--external-id', '+=,.@:/_-'] },
  { name: '--external-id: a #', args: ['assume', '--role-arn', roles.partner, '--external-id', 'partner#42'], code: 2, mentions: ['--external-id', '+=,.@:/_-'] },

  // ---- --policy-arn (exit 2) -------------------------------------------------------------------
  { name: '--policy-arn: a role ARN, not a policy', args: ['assume', '--role-arn', DEPLOY, '--policy-arn', DEPLOY], code: 2, mentions: ['--policy-arn', DEPLOY, POLICY] },
  { name: '--policy-arn: 11 of them', args: ['assume', '--role-arn', DEPLOY, ...policyArns(11)], code: 2, mentions: ['--policy-arn', 'at most 10'] },

  // ---- session parameters: flags and environment (exit 2), profile keys and @FILE (exit 5) -------
  { name: '--source-identity: one character', args: ['assume', '--profile', 'deploy', '--source-identity', 'a'], code: 2, mentions: ['--source-identity', '2–64'] },
  { name: '--source-identity: 65 characters', args: ['assume', '--profile', 'deploy', '--source-identity', 'a'.repeat(65)], code: 2, mentions: ['--source-identity', '2–64'] },
  { name: '--source-identity: a space', args: ['export', '--profile', 'deploy', '--source-identity', 'alice smith'], code: 2, mentions: ['--source-identity', '+=,.@_-'] },
  { name: '--tag without =', args: ['assume', '--profile', 'deploy', '--tag', 'Team'], code: 2, mentions: ['--tag', '"Team"', 'KEY=VALUE'] },
  { name: '--tag: 51 tags', args: ['assume', '--profile', 'deploy', ...sessionTags(51)], code: 2, mentions: ['--tag', 'at most 50', '51'] },
  { name: '--tag: empty key', args: ['assume', '--profile', 'deploy', '--tag', '=v'], code: 2, mentions: ['--tag', '1–128'] },
  { name: '--tag: 129-character key', args: ['assume', '--profile', 'deploy', '--tag', `${'k'.repeat(129)}=v`], code: 2, mentions: ['--tag', '1–128', '129'] },
  { name: '--tag: key with a #', args: ['whoami', '--profile', 'deploy', '--tag', 'a#b=v'], code: 2, mentions: ['--tag', '"a#b"'] },
  { name: '--tag: 257-character value', args: ['assume', '--profile', 'deploy', '--tag', `k=${'v'.repeat(257)}`], code: 2, mentions: ['--tag', '0–256', '257'] },
  { name: '--tag: value with a newline and an escape', args: ['exec', '--profile', 'deploy', '--tag', 'k=a\n\u001b[2Jb', '--', 'true'], code: 2, mentions: ['--tag', '"k"'] },
  { name: '--tag: the same key twice (case-insensitively)', args: ['assume', '--profile', 'deploy', '--tag', 'Team=a', '--tag', 'team=b'], code: 2, mentions: ['--tag', '"team"', 'twice'] },
  { name: '--transitive-tag that is not a tag', args: ['assume', '--profile', 'deploy', '--tag', 'Team=a', '--transitive-tag', 'Cost'], code: 2, mentions: ['--transitive-tag', '"Cost"', '--tag'] },
  { name: '--transitive-tag without any tag', args: ['assume', '--role-arn', DEPLOY, '--transitive-tag', 'Cost'], code: 2, mentions: ['--transitive-tag', '"Cost"', 'no session tags'] },
  { name: '--policy: not JSON', args: ['assume', '--profile', 'deploy', '--policy', '{"Version": '], code: 2, mentions: ['--policy', 'not valid JSON'] },
  { name: '--policy: JSON but not an object', args: ['assume', '--profile', 'deploy', '--policy', '[1]'], code: 2, mentions: ['--policy', 'not a JSON object'] },
  { name: '--policy: over 2048 characters', args: ['assume', '--profile', 'deploy', '--policy', `{"Sid": "${'x'.repeat(2048)}"}`], code: 2, mentions: ['--policy', '1–2048'] },
  { name: '--policy @FILE: not JSON (exit 5)', args: ['assume', '--profile', 'deploy', '--policy', '@~/policy.json'], files: { 'policy.json': 'Version: 2012-10-17\n' }, code: 5, mentions: ['--policy @~/policy.json', 'not valid JSON'] },
  { name: '--policy @FILE: missing (exit 5)', args: ['assume', '--profile', 'deploy', '--policy', '@~/no-policy.json'], code: 5, mentions: ['--policy', 'no-policy.json', 'missing'] },
  { name: 'AWS_SOURCE_IDENTITY: a slash', args: ['assume', '--profile', 'deploy'], env: { AWS_SOURCE_IDENTITY: 'alice/admin' }, code: 2, mentions: ['AWS_SOURCE_IDENTITY', '"alice/admin"'] },
  { name: 'AWS_SESSION_TAGS: an item without =', args: ['assume', '--profile', 'deploy'], env: { AWS_SESSION_TAGS: 'Team=a,Cost' }, code: 2, mentions: ['AWS_SESSION_TAGS', '"Cost"', 'KEY=VALUE'] },
  { name: 'AWS_SESSION_TAGS: the same key twice', args: ['export', '--profile', 'deploy'], env: { AWS_SESSION_TAGS: 'Team=a, TEAM=b' }, code: 2, mentions: ['AWS_SESSION_TAGS', '"TEAM"', 'twice'] },
  { name: 'AWS_TRANSITIVE_TAGS: a key that is not a tag', args: ['assume', '--profile', 'deploy'], env: { AWS_SESSION_TAGS: 'Team=a', AWS_TRANSITIVE_TAGS: 'Team,Cost' }, code: 2, mentions: ['AWS_TRANSITIVE_TAGS', '"Cost"', 'AWS_SESSION_TAGS'] },
  {
    name: '--tag replacing session_tags that transitive_session_tags names (exit 2)',
    args: ['assume', '--profile', 'keeps-team', '--tag', 'Cost=1'],
    config: roleProfile('keeps-team', `role_arn = ${DEPLOY}`, 'source_profile = alice', 'session_tags = Team=a', 'transitive_session_tags = Team'),
    code: 2,
    mentions: ['transitive_session_tags in profile keeps-team', '"Team"', '--tag'],
  },
  { name: 'source_identity in a profile: a space', args: ['assume', '--profile', 'bad-si'], config: roleProfile('bad-si', `role_arn = ${DEPLOY}`, 'source_profile = alice', 'source_identity = alice smith'), code: 5, mentions: ['source_identity in profile bad-si'] },
  { name: 'session_tags in a profile: a key with a !', args: ['assume', '--profile', 'bad-tags'], config: roleProfile('bad-tags', `role_arn = ${DEPLOY}`, 'source_profile = alice', 'session_tags = ok=1,no!=2'), code: 5, mentions: ['session_tags in profile bad-tags', '"no!"'] },
  { name: 'transitive_session_tags in a profile: not a tag', args: ['export', '--profile', 'bad-trans'], config: roleProfile('bad-trans', `role_arn = ${DEPLOY}`, 'source_profile = alice', 'session_tags = Team=a', 'transitive_session_tags = Cost'), code: 5, mentions: ['transitive_session_tags in profile bad-trans', '"Cost"'] },
  {
    name: 'session_tags of an inner hop: bad, refused before the first hop is called',
    args: ['assume', '--profile', 'outer'],
    config: roleProfile('inner', `role_arn = ${DEPLOY}`, 'source_profile = alice', 'session_tags = a=b,a=c') + roleProfile('outer', `role_arn = ${roles.admin}`, 'source_profile = inner'),
    code: 5,
    mentions: ['session_tags in profile inner', 'twice'],
  },
  {
    name: 'chain: a source identity that changes along the chain',
    args: ['assume', '--profile', 'si-outer'],
    config: roleProfile('si-inner', `role_arn = ${DEPLOY}`, 'source_profile = alice', 'source_identity = alice') + roleProfile('si-outer', `role_arn = ${roles.admin}`, 'source_profile = si-inner', 'source_identity = bob1'),
    code: 5,
    mentions: ['source_identity in profile si-outer', 'the hop of profile si-outer', 'the hop of profile si-inner'],
  },
  {
    name: 'chain: --source-identity that differs from an inner hop',
    args: ['assume', '--profile', 'si-inner2', '--role-arn', roles.admin, '--source-identity', 'bob1'],
    config: roleProfile('si-inner2', `role_arn = ${DEPLOY}`, 'source_profile = alice', 'source_identity = alice'),
    code: 2,
    mentions: ['--source-identity', 'the --role-arn hop', 'the hop of profile si-inner2'],
  },
  {
    name: 'chain: a hop sends again a key an earlier hop made transitive',
    args: ['assume', '--profile', 'tt-outer'],
    config: roleProfile('tt-inner', `role_arn = ${DEPLOY}`, 'source_profile = alice', 'session_tags = Team=a', 'transitive_session_tags = Team') + roleProfile('tt-outer', `role_arn = ${roles.admin}`, 'source_profile = tt-inner', 'session_tags = team=b'),
    code: 5,
    mentions: ['session_tags in profile tt-outer', '"team"', 'the hop of profile tt-inner'],
  },
  {
    name: 'chain: AWS_SESSION_TAGS sends again a key an earlier hop made transitive',
    args: ['assume', '--profile', 'tt-outer2'],
    env: { AWS_SESSION_TAGS: 'Team=b' },
    config: roleProfile('tt-inner2', `role_arn = ${DEPLOY}`, 'source_profile = alice', 'session_tags = Team=a', 'transitive_session_tags = Team') + roleProfile('tt-outer2', `role_arn = ${roles.admin}`, 'source_profile = tt-inner2'),
    code: 2,
    mentions: ['AWS_SESSION_TAGS', '"Team"', 'the hop of profile tt-outer2', 'the hop of profile tt-inner2'],
  },

  // ---- profiles (exit 5, or 3 for a broken configured source) ------------------------------
  { name: 'unknown --profile (export)', args: ['export', '--profile', 'ghost'], code: 5, mentions: ['"ghost"', '--profile'] },
  {
    name: 'unknown --profile (assume)',
    args: ['assume', '--profile', 'ghost'],
    code: 5,
    mentions: ['"ghost"', '--profile'],
  },
  {
    name: 'unknown --source-profile',
    args: ['assume', '--role-arn', DEPLOY, '--source-profile', 'ghost'],
    code: 5,
    mentions: ['"ghost"', '--source-profile'],
  },
  { name: 'unknown AWS_PROFILE (env keys do not rescue it)', args: ['export'], env: { AWS_PROFILE: 'ghost', AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey }, code: 5, mentions: ['"ghost"', 'AWS_PROFILE'] },
  { name: 'unknown AWS_DEFAULT_PROFILE', args: ['whoami'], env: { AWS_DEFAULT_PROFILE: 'ghost' }, code: 5, mentions: ['"ghost"', 'AWS_DEFAULT_PROFILE'] },
  { name: 'source_profile cycle', args: ['assume', '--profile', 'cyc-a'], config: roleProfile('cyc-a', `role_arn = ${DEPLOY}`, 'source_profile = cyc-b') + roleProfile('cyc-b', `role_arn = ${DEPLOY}`, 'source_profile = cyc-a'), code: 5, mentions: ['cycle', 'cyc-a → cyc-b → cyc-a'] },
  { name: 'both source_profile and credential_source', args: ['assume', '--profile', 'both'], config: roleProfile('both', `role_arn = ${DEPLOY}`, 'source_profile = alice', 'credential_source = Environment'), code: 5, mentions: ['both', 'source_profile', 'credential_source'] },
  { name: 'credential_source = environment (lower case)', args: ['assume', '--profile', 'lower'], config: roleProfile('lower', `role_arn = ${DEPLOY}`, 'credential_source = environment'), code: 5, mentions: ['"environment"', 'lower', 'Environment', 'case-sensitive'] },
  { name: 'source_profile names a missing profile', args: ['export', '--profile', 'orphan'], config: roleProfile('orphan', `role_arn = ${DEPLOY}`, 'source_profile = ghost'), code: 5, mentions: ['"ghost"', 'orphan'] },
  { name: 'role_arn in a profile: 11-digit account', args: ['assume', '--profile', 'bad-arn'], config: roleProfile('bad-arn', 'role_arn = arn:aws:iam::11112222333:role/deploy', 'source_profile = alice'), code: 5, mentions: ['role_arn', 'bad-arn', '12 digits'] },
  { name: 'role_arn in a profile: a user ARN (export)', args: ['export', '--profile', 'user-arn'], config: roleProfile('user-arn', `role_arn = ${alice.arn}`, 'source_profile = alice'), code: 5, mentions: ['role_arn', 'user-arn', 'role/NAME'] },
  { name: 'role_session_name in a profile: a space', args: ['assume', '--profile', 'bad-name'], config: roleProfile('bad-name', `role_arn = ${DEPLOY}`, 'source_profile = alice', 'role_session_name = my session'), code: 5, mentions: ['role_session_name', 'bad-name'] },
  { name: 'external_id in a profile: a #', args: ['assume', '--profile', 'bad-ext'], config: roleProfile('bad-ext', `role_arn = ${roles.partner}`, 'source_profile = alice', 'external_id = a#b'), code: 5, mentions: ['external_id', 'bad-ext'] },
  { name: 'mfa_serial in a profile: not a device', args: ['assume', '--profile', 'bad-mfa', '--token-code', alice.mfaCode], config: roleProfile('bad-mfa', `role_arn = ${roles.mfaAdmin}`, 'source_profile = alice', 'mfa_serial = my-phone-app'), code: 5, mentions: ['mfa_serial', 'bad-mfa'] },
  {
    name: 'duration_seconds in a profile: 50000 (above 12 h)',
    args: ['assume', '--profile', 'long'],
    config: roleProfile('long', `role_arn = ${DEPLOY}`, 'source_profile = alice', 'duration_seconds = 50000'),
    code: 5,
    mentions: ['duration_seconds', 'long', '900–43200'],
  },
  { name: 'role_arn without source_profile or credential_source (exit 3)', args: ['assume', '--profile', 'sourceless'], config: roleProfile('sourceless', `role_arn = ${DEPLOY}`), code: 3, mentions: ['sourceless', 'source_profile', 'credential_source'] },
  { name: 'partial keys in the environment (exit 3)', args: ['export'], env: { AWS_ACCESS_KEY_ID: alice.accessKeyId }, code: 3, mentions: ['AWS_SECRET_ACCESS_KEY'] },

  // ---- broken files (exit 5) -------------------------------------------------------------------
  { name: 'config: "[default" without "]" on the first line', args: ['export'], files: { '.aws/config': '[default\nregion = eu-west-1\n' }, code: 5, mentions: ['~/.aws/config', 'line 1'] },
  {
    // botocore: "[profile broken" is no header, so it is an option line without a delimiter: ConfigParseError.
    name: 'config: "[profile broken" without "]" after a section',
    args: ['assume', '--profile', 'deploy'],
    files: { '.aws/config': `${CONFIG}\n[profile broken\nregion = us-east-1\n` },
    code: 5,
    mentions: ['~/.aws/config', 'line 11'],
  },
  { name: 'credentials: binary junk (not UTF-8)', args: ['export'], files: { '.aws/credentials': Uint8Array.from({ length: 4096 }, (_, i) => (i * 151 + 7) % 256) }, code: 5, mentions: ['~/.aws/credentials', 'UTF-8'] },
  { name: 'config: control characters and NULs', args: ['export'], files: { '.aws/config': '\u0000\u0001\u0002\u001b[2J\u0000junk\u0007\n' }, code: 5, mentions: ['~/.aws/config'] },
  {
    // botocore refuses it too (no section header). Must finish promptly and not echo the line.
    name: 'config: a single 10 MB line',
    args: ['export'],
    files: { '.aws/config': 'x'.repeat(10 * 1024 * 1024) },
    code: 5,
    mentions: ['~/.aws/config', 'line 1'],
  },
  {
    // botocore would send it; awsrole refuses a role_arn STS must refuse (README deviations).
    name: 'config: a 10 MB role_arn value',
    args: ['assume', '--profile', 'huge'],
    config: roleProfile('huge', `role_arn = arn:aws:iam::${ACCOUNT}:role/${'r'.repeat(10 * 1024 * 1024)}`, 'source_profile = alice'),
    code: 5,
    mentions: ['role_arn', 'huge', '2048'],
  },
  {
    // Spec §1 and botocore: a missing file is empty, so the profile is unknown. The message should say where it looked.
    name: 'AWS_CONFIG_FILE names a missing file',
    args: ['whoami', '--profile', 'deploy'],
    env: { AWS_CONFIG_FILE: '/nonexistent/awsrole-test/config' },
    code: 5,
    mentions: ['"deploy"', '/nonexistent/awsrole-test/config'],
  },
  {
    // Root ignores mode bits; a symlink loop fails to read for everyone (ELOOP). README: unreadable → exit 5.
    name: 'credentials: a symlink loop (unreadable)',
    args: ['export'],
    setup: async (home) => {
      await rm(join(home, '.aws/credentials'));
      await symlink(join(home, '.aws/credentials'), join(home, '.aws/credentials'));
    },
    code: 5,
    mentions: ['~/.aws/credentials', 'ELOOP'],
  },
  {
    // botocore: os.path.isfile() is false for a FIFO, so it reads as missing. awsrole must not block on it.
    name: 'config: a FIFO with no writer',
    args: ['export'],
    setup: async (home) => {
      await rm(join(home, '.aws/config'));
      execFileSync('mkfifo', [join(home, '.aws/config')]);
    },
    code: 5,
    mentions: ['~/.aws/config'],
    spawned: true,
  },

  // ---- flags and arguments (exit 2) ------------------------------------------------------------
  { name: 'unknown flag', args: ['assume', '--role-arn', DEPLOY, '--bogus'], code: 2, mentions: ['--bogus'] },
  { name: 'unknown command', args: ['asume', '--role-arn', DEPLOY], code: 2, mentions: ['asume'] },
  { name: 'assume --role-arn without a value', args: ['assume', '--role-arn'], code: 2, mentions: ['--role-arn'] },
  { name: '--format without a value', args: ['assume', '--role-arn', DEPLOY, '--format'], code: 2, mentions: ['--format'] },
  { name: '--format bogus', args: ['assume', '--role-arn', DEPLOY, '--format', 'bogus'], code: 2, mentions: ['"bogus"', 'sh, fish'] },
  { name: '--format bash suggests sh', args: ['export', '--format', 'bash'], code: 2, mentions: ['"bash"', '--format sh'] },
  { name: 'exec without a command', args: ['exec', '--role-arn', DEPLOY], code: 2, mentions: ['exec needs a command'] },
  { name: 'exec with -- and nothing after it', args: ['exec', '--role-arn', DEPLOY, '--'], code: 2, mentions: ['exec needs a command'] },
  {
    name: 'exec with --format',
    args: ['exec', '--format', 'sh', '--role-arn', DEPLOY, '--', 'true'],
    code: 2,
    mentions: ['--format'],
  },
  { name: 'decode-message without a message', args: ['decode-message'], code: 2, mentions: ['decode-message needs the encoded message'] },
  { name: 'decode-message - with empty stdin', args: ['decode-message', '-'], stdin: '', code: 2, mentions: ['decode-message needs the encoded message'] },
  { name: 'decode-message over 10240 characters', args: ['decode-message', 'm'.repeat(10241)], code: 2, mentions: ['10241', '10240'] },
  { name: 'decode-message with a message that starts with "-"', args: ['decode-message', '-Zm9vYmFy_qW2'], code: 2, mentions: ["unknown option '-Zm9vYmFy_qW2'", 'put -- before it (awsrole decode-message -- MESSAGE)'] },
  { name: '--credentials-json with a file name', args: ['export', '--credentials-json', 'file.json'], code: 2, mentions: ['--credentials-json', '"-"'] },
  { name: '--credentials-json - with junk on stdin', args: ['export', '--credentials-json', '-'], stdin: 'AKIA... not json', code: 2, mentions: ['--credentials-json', 'JSON'] },
  { name: "--write-profile 'a]b'", args: ['assume', '--role-arn', DEPLOY, '--write-profile', 'a]b'], code: 2, mentions: ['--write-profile', ']'] },
  { name: '--write-profile with --format', args: ['assume', '--role-arn', DEPLOY, '--write-profile', 'ok', '--format', 'sh'], code: 2, mentions: ['--write-profile', '--format'] },
  { name: '--source-profile without --role-arn', args: ['assume', '--source-profile', 'alice'], code: 2, mentions: ['--source-profile', '--role-arn'] },
  { name: '--endpoint-url that is not a URL', args: ['whoami', '--endpoint-url', 'sts.example'], code: 2, mentions: ['--endpoint-url', '"sts.example"'] },
];

let rig: StsRig;
let scratch: string;

beforeAll(async () => {
  rig = await startStsServer();
  scratch = tempDir('awsrole-bad-input-');
});
afterAll(async () => {
  await rig.close();
  await rm(scratch, { recursive: true, force: true });
});

interface Outcome {
  result: { code: number | null; stdout: string; stderr: string; timedOut: boolean };
  calls: number;
  before: TreeSnapshot;
  after: TreeSnapshot;
}

async function prepareHome(row: Row, index: number): Promise<string> {
  const home = join(scratch, `home-${index}`);
  await mkdir(join(home, '.aws'), { recursive: true, mode: 0o700 });
  await writeFile(join(home, '.aws/credentials'), CREDENTIALS, { mode: 0o600 });
  await writeFile(join(home, '.aws/config'), `${CONFIG}\n${row.config ?? ''}`, { mode: 0o600 });
  for (const [relative, content] of Object.entries(row.files ?? {})) await writeFile(join(home, relative), content, { mode: 0o600 });
  await row.setup?.(home);
  return home;
}

/** Each row runs once (tests of a file run in order); its two tests share the outcome. */
const outcomes = new Map<string, Promise<Outcome>>();

function outcomeOf(row: Row, index: number): Promise<Outcome> {
  let outcome = outcomes.get(row.name);
  if (outcome === undefined) {
    outcome = (async () => {
      const home = await prepareHome(row, index);
      const before = await snapshotTree(home);
      rig.reset();
      const env = baseEnv(home, rig.url, row.env);
      const input = row.stdin !== undefined ? { input: row.stdin } : {};
      const result = row.spawned === true ? await runBounded(row.args, env, input) : { ...(await runInProcess(row.args, env, input)), timedOut: false };
      const calls = rig.count();
      const after = await snapshotTree(home);
      return { result, calls, before, after };
    })();
    outcomes.set(row.name, outcome);
  }
  return outcome;
}

/** What holds for every refused input, whatever the message says. */
function expectRefusedBeforeAnyCall(row: Row, { result, calls, before, after }: Outcome): void {
  expect(result.timedOut, `still running after ${RUN_LIMIT_MS} ms; stderr so far: ${result.stderr.slice(0, 500)}`).toBe(false);
  expect({ code: result.code, stderr: result.stderr.slice(0, 2000) }).toEqual({ code: row.code, stderr: expect.any(String) });
  expect(result.stdout).toBe('');
  expect(calls, 'STS requests the rig saw').toBe(0);
  expect(after, 'HOME after the run').toEqual(before);
  expectNoCanary(result.stderr);
}

/** One `awsrole: ...` line, at most one `  hint: ...` line, naming the culprit. */
function expectOneClearMessage(row: Row, { result }: Outcome): void {
  expect(result.stderr.length, 'stderr stays short (no echo of huge input)').toBeLessThan(4000);
  expect(result.stderr).toMatch(/^awsrole: [^\n]+\n(?: {2}hint: [^\n]+\n)?$/);
  for (const mention of row.mentions) {
    if (typeof mention === 'string') expect(result.stderr).toContain(mention);
    else expect(result.stderr).toMatch(mention);
  }
}

describe('bad input is refused before any network call', () => {
  it('the table is big enough to mean something', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(ROWS.map((row) => row.name)).size).toBe(ROWS.length);
  });

  ROWS.forEach((row, index) => {
    const full = async (): Promise<void> => {
      const outcome = await outcomeOf(row, index);
      expectRefusedBeforeAnyCall(row, outcome);
      expectOneClearMessage(row, outcome);
    };
    it(`${row.name} → exit ${row.code}`, full);
  });
});

describe('files that are absent are empty, as in botocore (spec §1)', () => {
  it('a missing AWS_CONFIG_FILE does not stop credentials from the credentials file', async () => {
    const home = join(scratch, 'home-missing-config');
    await mkdir(join(home, '.aws'), { recursive: true, mode: 0o700 });
    await writeFile(join(home, '.aws/credentials'), CREDENTIALS, { mode: 0o600 });
    const result = await runInProcess(['export', '--format', 'json'], baseEnv(home, rig.url, { AWS_CONFIG_FILE: join(home, 'no-such-config') }));
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toMatchObject({ AccessKeyId: alice.accessKeyId });
  });
});

/**
 * AssumeRole's session parameters: source identity, session tags, transitive tag keys and an
 * inline session policy. They come from flags, then the environment (aws-vault's names and
 * syntax), then the hop's own profile keys; each is checked against STS's rules, and the whole
 * chain against STS's chain rules, before any call.
 */
import { isRoleProfile, sourceProfileChain } from '../chain/assume-role.js';
import type { AssumeRoleRequest, SessionTag } from '../chain/types.js';
import { mergedProfile, stringValue, type SharedConfig } from '../config/shared-config.js';
import type { Env } from '../domain/env.js';
import { shown } from '../domain/text.js';
import { ConfigError, UsageError, type AwsroleError } from '../errors.js';

/** Where a value came from, for messages; a value in a file is a config error (exit 5), else a usage error (exit 2). */
export interface ValueOrigin {
  name: string;
  inFile: boolean;
}

export interface Sourced<T> {
  value: T;
  origin: ValueOrigin;
}

/** The session parameters of one layer (flags, environment, a profile), each with its origin. */
export interface SessionParams {
  sourceIdentity?: Sourced<string> | undefined;
  tags?: Sourced<SessionTag[]> | undefined;
  transitiveTagKeys?: Sourced<string[]> | undefined;
  policy?: Sourced<string> | undefined;
}

/** The request fields they become. */
export type SessionParamFields = Pick<AssumeRoleRequest, 'sourceIdentity' | 'tags' | 'transitiveTagKeys' | 'policy'>;

export const SESSION_TAG_LIMITS = { count: 50, keyMax: 128, valueMax: 256 } as const;
export const POLICY_MAX = 2048;

/** Made when first used: a \p{…} class costs ~0.15 ms to build, at every start otherwise. */
let tagChars: RegExp | undefined;
const hasTagCharsOnly = (text: string): boolean => (tagChars ??= /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u).test(text);

function refuse(origin: ValueOrigin, message: string, hint?: string): AwsroleError {
  return origin.inFile ? new ConfigError(`${origin.name}: ${message}`, hint) : new UsageError(`${origin.name}: ${message}`, hint);
}

/** Characters as STS counts them (code points), not UTF-16 units. */
const charCount = (text: string): number => [...text].length;

export function sourceIdentityProblem(id: string): string | undefined {
  if (!/^[\w+=,.@-]*$/.test(id)) return `a source identity may use only letters, digits and +=,.@_- (got ${shown(id)})`;
  if (id.length < 2 || id.length > 64) return `a source identity must be 2–64 characters (got ${id.length})`;
  return undefined;
}

function tagProblem({ key, value }: SessionTag): string | undefined {
  if (charCount(key) < 1 || charCount(key) > SESSION_TAG_LIMITS.keyMax) return `a tag key must be 1–${SESSION_TAG_LIMITS.keyMax} characters (got ${charCount(key)})`;
  if (!hasTagCharsOnly(key)) return `tag key ${shown(key)} may use only letters, digits, spaces and _.:/=+-@`;
  if (charCount(value) > SESSION_TAG_LIMITS.valueMax) return `the value of tag ${shown(key)} must be 0–${SESSION_TAG_LIMITS.valueMax} characters (got ${charCount(value)})`;
  if (!hasTagCharsOnly(value)) return `the value of tag ${shown(key)} may use only letters, digits, spaces and _.:/=+-@`;
  return undefined;
}

export function tagsProblem(tags: readonly SessionTag[]): string | undefined {
  if (tags.length > SESSION_TAG_LIMITS.count) return `STS takes at most ${SESSION_TAG_LIMITS.count} session tags (got ${tags.length})`;
  const seen = new Set<string>();
  for (const tag of tags) {
    const problem = tagProblem(tag);
    if (problem) return problem;
    const folded = tag.key.toLowerCase();
    if (seen.has(folded)) return `tag key ${shown(tag.key)} is given twice (keys compare case-insensitively)`;
    seen.add(folded);
  }
  return undefined;
}

export function policyProblem(policy: string): string | undefined {
  if (policy.length < 1 || policy.length > POLICY_MAX) return `a session policy must be 1–${POLICY_MAX} characters (got ${policy.length})`;
  if (!/^[\t\n\r\u0020-\u00ff]*$/.test(policy)) return 'a session policy may use only tab, line breaks and characters U+0020–U+00FF';
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    return 'the session policy is not valid JSON';
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? undefined : 'the session policy is not a JSON object';
}

function checked<T>(value: T, origin: ValueOrigin, problem: (value: T) => string | undefined): Sourced<T> {
  const message = problem(value);
  if (message) throw refuse(origin, message);
  return { value, origin };
}

/** `KEY=VALUE`, split at the first `=`. */
function tagOf(text: string, origin: ValueOrigin, hint: string): SessionTag {
  const at = text.indexOf('=');
  if (at < 0) throw refuse(origin, `${shown(text)} is not KEY=VALUE`, hint);
  return { key: text.slice(0, at), value: text.slice(at + 1) };
}

/** aws-vault's session_tags syntax: `k1=v1,k2=v2`, each key and value trimmed. */
export function parseTagList(text: string, origin: ValueOrigin): SessionTag[] {
  return text.split(',').map((item) => {
    const tag = tagOf(item, origin, 'write KEY=VALUE,KEY=VALUE');
    return { key: tag.key.trim(), value: tag.value.trim() };
  });
}

/** aws-vault's transitive_session_tags syntax: `k1,k2`, trimmed, empty items dropped. */
export function parseKeyList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** The raw flag values (already split by commander); --policy already read when it was @FILE. */
export interface SessionParamFlags {
  sourceIdentity?: string | undefined;
  tag?: string[] | undefined;
  transitiveTag?: string[] | undefined;
  policy?: Sourced<string> | undefined;
}

const flag = (name: string): ValueOrigin => ({ name, inFile: false });

export function sessionParamsFromFlags(flags: SessionParamFlags): SessionParams {
  const tags = flags.tag?.length ? flags.tag.map((text) => tagOf(text, flag('--tag'), 'write --tag KEY=VALUE')) : undefined;
  const keys = flags.transitiveTag?.length ? flags.transitiveTag : undefined;
  return givenLayer(
    { sourceIdentity: flags.sourceIdentity, tags, transitiveTagKeys: keys, policy: flags.policy },
    { sourceIdentity: flag('--source-identity'), tags: flag('--tag'), transitiveTagKeys: flag('--transitive-tag') },
  );
}

/** A layer given as values (the flags, the API's options), each checked as STS would take it and named by where it came from. */
function givenLayer(
  given: { sourceIdentity?: string | undefined; tags?: SessionTag[] | undefined; transitiveTagKeys?: string[] | undefined; policy?: Sourced<string> | undefined },
  origins: Record<'sourceIdentity' | 'tags' | 'transitiveTagKeys', ValueOrigin>,
): SessionParams {
  return {
    sourceIdentity: given.sourceIdentity === undefined ? undefined : checked(given.sourceIdentity, origins.sourceIdentity, sourceIdentityProblem),
    tags: given.tags === undefined ? undefined : checked(given.tags, origins.tags, tagsProblem),
    transitiveTagKeys: given.transitiveTagKeys === undefined ? undefined : { value: given.transitiveTagKeys, origin: origins.transitiveTagKeys },
    policy: given.policy === undefined ? undefined : checked(given.policy.value, given.policy.origin, policyProblem),
  };
}

export interface SessionParamOptions {
  sourceIdentity?: string | undefined;
  /** Tag key → value, sent in the object's own order (JavaScript puts integer-like keys first). */
  tags?: Readonly<Record<string, string>> | undefined;
  transitiveTagKeys?: readonly string[] | undefined;
  /** An inline session policy (JSON text). */
  policy?: string | undefined;
}

/** The API's options, checked as the flags are; an error names the option (UsageError, exit 2). */
export function sessionParamsFromOptions(options: SessionParamOptions): SessionParams {
  const option = (name: keyof SessionParamOptions): ValueOrigin => ({ name: `the ${name} option`, inFile: false });
  // What a JavaScript caller passed where the types say otherwise (a number, an array, a Map, a
  // policy object) would be sent as something else, dropped, or fail with a TypeError instead
  // of the API's AwsroleError.
  const { sourceIdentity, tags: tagMap, transitiveTagKeys, policy } = options as Record<keyof SessionParamOptions, unknown>;
  const isText = (value: unknown): boolean => typeof value === 'string';
  const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null);
  const types: [keyof SessionParamOptions, boolean, string][] = [
    ['sourceIdentity', sourceIdentity === undefined || isText(sourceIdentity), 'a string'],
    ['tags', tagMap === undefined || (isPlainObject(tagMap) && Object.values(tagMap).every(isText)), "an object of strings ({ Team: 'red' })"],
    ['transitiveTagKeys', transitiveTagKeys === undefined || (Array.isArray(transitiveTagKeys) && transitiveTagKeys.every(isText)), 'an array of strings'],
    ['policy', policy === undefined || isText(policy), 'JSON text (JSON.stringify the policy)'],
  ];
  const wrong = types.find(([, ok]) => !ok);
  if (wrong !== undefined) throw refuse(option(wrong[0]), `must be ${wrong[2]}`);
  const tags = Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value }));
  const keys = options.transitiveTagKeys?.length ? [...options.transitiveTagKeys] : undefined;
  return givenLayer(
    {
      sourceIdentity: options.sourceIdentity,
      tags: tags.length === 0 ? undefined : tags,
      transitiveTagKeys: keys,
      policy: options.policy === undefined ? undefined : { value: options.policy, origin: option('policy') },
    },
    { sourceIdentity: option('sourceIdentity'), tags: option('tags'), transitiveTagKeys: option('transitiveTagKeys') },
  );
}

/** The parameters of one text layer (the environment, a profile): empty values count as unset, as in aws-vault. */
function fromTexts(texts: { sourceIdentity?: string | undefined; tags?: string | undefined; keys?: string | undefined }, origins: { sourceIdentity: ValueOrigin; tags: ValueOrigin; keys: ValueOrigin }): SessionParams {
  const keys = texts.keys ? parseKeyList(texts.keys) : [];
  return {
    sourceIdentity: texts.sourceIdentity ? checked(texts.sourceIdentity, origins.sourceIdentity, sourceIdentityProblem) : undefined,
    tags: texts.tags ? checked(parseTagList(texts.tags, origins.tags), origins.tags, tagsProblem) : undefined,
    transitiveTagKeys: keys.length > 0 ? { value: keys, origin: origins.keys } : undefined,
  };
}

export function sessionParamsFromEnv(env: Env): SessionParams {
  return fromTexts(
    { sourceIdentity: env['AWS_SOURCE_IDENTITY'], tags: env['AWS_SESSION_TAGS'], keys: env['AWS_TRANSITIVE_TAGS'] },
    { sourceIdentity: flag('AWS_SOURCE_IDENTITY'), tags: flag('AWS_SESSION_TAGS'), keys: flag('AWS_TRANSITIVE_TAGS') },
  );
}

export function sessionParamsFromProfile(config: SharedConfig, profile: string): SessionParams {
  const section = mergedProfile(config, profile);
  const key = (name: string): ValueOrigin => ({ name: `${name} in profile ${profile}`, inFile: true });
  return fromTexts(
    { sourceIdentity: stringValue(section, 'source_identity'), tags: stringValue(section, 'session_tags'), keys: stringValue(section, 'transitive_session_tags') },
    { sourceIdentity: key('source_identity'), tags: key('session_tags'), keys: key('transitive_session_tags') },
  );
}

/** Each parameter from the first layer that sets it (flags, then the environment, then the profile). */
export function layered(...layers: SessionParams[]): SessionParams {
  const first = <K extends keyof SessionParams>(name: K): SessionParams[K] => layers.find((layer) => layer[name] !== undefined)?.[name];
  return { sourceIdentity: first('sourceIdentity'), tags: first('tags'), transitiveTagKeys: first('transitiveTagKeys'), policy: first('policy') };
}

/** STS refuses a transitive key that is not one of the hop's tags. */
function checkTransitiveKeys(params: SessionParams): void {
  const keys = params.transitiveTagKeys;
  if (keys === undefined) return;
  const tagKeys = new Set((params.tags?.value ?? []).map((tag) => tag.key.toLowerCase()));
  const stray = keys.value.find((key) => !tagKeys.has(key.toLowerCase()));
  if (stray === undefined) return;
  const tagsFrom = params.tags === undefined ? 'there are no session tags' : `it is not one of the tags (from ${params.tags.origin.name})`;
  // A file's keys made wrong by a flag's (or the environment's) tags: the flag is what to change.
  const origin = { name: keys.origin.name, inFile: keys.origin.inFile && params.tags?.origin.inFile !== false };
  throw refuse(origin, `transitive key ${shown(stray)}: ${tagsFrom}`, 'every transitive key must be the key of a session tag of the same hop');
}

export function requestFields(params: SessionParams): SessionParamFields {
  return {
    sourceIdentity: params.sourceIdentity?.value,
    tags: params.tags?.value,
    transitiveTagKeys: params.transitiveTagKeys?.value,
    policy: params.policy?.value,
  };
}

/** Where each set parameter came from (for the warning when no role hop took the flags). */
export function originNames(params: SessionParams): string[] {
  return Object.values(params)
    .filter((sourced): sourced is Sourced<unknown> => sourced !== undefined)
    .map((sourced) => sourced.origin.name);
}

/** What a hop sent besides the role, for --explain and --debug: keys only (tag values may be personal data). */
export function describeSessionParams(request: SessionParamFields): string {
  const parts: string[] = [];
  if (request.sourceIdentity !== undefined) parts.push(`source identity ${request.sourceIdentity}`);
  if (request.tags?.length) parts.push(`tags ${request.tags.map((tag) => tag.key).join(', ')}`);
  if (request.transitiveTagKeys?.length) parts.push(`transitive ${request.transitiveTagKeys.join(', ')}`);
  if (request.policy !== undefined) parts.push('inline policy');
  return parts.length === 0 ? '' : `, ${parts.join('; ')}`;
}

/** One planned AssumeRole hop and its parameters, innermost first. */
interface PlannedHop {
  label: string;
  params: SessionParams;
}

/**
 * STS's chain rules: a source identity, once set, cannot change along a role chain; and a key an
 * earlier hop made transitive may not be sent again.
 */
export function checkChainRules(hops: readonly PlannedHop[]): void {
  let identity: { value: string; hop: string } | undefined;
  const transitive = new Map<string, string>();
  for (const hop of hops) {
    const own = hop.params.sourceIdentity;
    if (own !== undefined && identity !== undefined && own.value !== identity.value) {
      throw refuse(
        own.origin,
        `source identity ${shown(own.value)} for ${hop.label}: ${identity.hop} already set ${shown(identity.value)}, and STS keeps a source identity along a role chain`,
        'set the source identity on one hop only, or the same value on every hop',
      );
    }
    if (own !== undefined) identity ??= { value: own.value, hop: hop.label };
    for (const tag of hop.params.tags?.value ?? []) {
      const earlier = transitive.get(tag.key.toLowerCase());
      if (earlier === undefined) continue;
      throw refuse(
        hop.params.tags?.origin ?? { name: hop.label, inFile: true },
        `tag ${shown(tag.key)} for ${hop.label}: ${earlier} made it transitive, and STS refuses to set a transitive tag again along a role chain`,
        `drop ${tag.key} from this hop's tags (it is passed on already)`,
      );
    }
    for (const key of hop.params.transitiveTagKeys?.value ?? []) transitive.set(key.toLowerCase(), hop.label);
  }
}

export interface ParamsPlanning {
  config: SharedConfig;
  env: Env;
  /** The selected profile. */
  profile: string;
  /** True when a --role-arn hop goes on top of the profile's chain. */
  roleArnOnTop: boolean;
  flags: SessionParams;
}

/**
 * The session parameters of each hop: the top hop takes flags, then the environment, then its
 * profile's keys; every other hop its profile's keys. The first hop (the innermost, called
 * first) checks the whole chain, so a bad value or a broken chain rule stops before any call.
 */
export function sessionParamsPlanner(planning: ParamsPlanning): (request: AssumeRoleRequest, isTopHop: boolean) => SessionParamFields {
  let env: SessionParams | undefined;
  const paramsOf = (profile: string | undefined, isTopHop: boolean): SessionParams => {
    const own = profile === undefined || !isRoleProfile(mergedProfile(planning.config, profile)) ? {} : sessionParamsFromProfile(planning.config, profile);
    const params = isTopHop ? layered(planning.flags, (env ??= sessionParamsFromEnv(planning.env)), own) : own;
    checkTransitiveKeys(params);
    return params;
  };
  let planned = false;
  return (request, isTopHop) => {
    if (!planned) {
      planned = true;
      checkChainRules(plannedHops(planning, request.profile).map((hop) => ({ label: hop.label, params: paramsOf(hop.profile, hop.isTopHop) })));
    }
    return requestFields(paramsOf(request.profile, isTopHop));
  };
}

/** The hops from the innermost (the first one called, made for `innermost`) to the top. */
function plannedHops(planning: ParamsPlanning, innermost: string | undefined): { label: string; profile: string | undefined; isTopHop: boolean }[] {
  const chain = sourceProfileChain(planning.config, planning.profile);
  const at = innermost === undefined ? -1 : chain.indexOf(innermost);
  const profiles = at < 0 ? (innermost === undefined ? [] : [innermost]) : chain.slice(0, at + 1).reverse();
  const hops = profiles.map((profile) => ({ label: `the hop of profile ${profile}`, profile, isTopHop: !planning.roleArnOnTop && profile === planning.profile }));
  return planning.roleArnOnTop ? [...hops, { label: 'the --role-arn hop', profile: undefined, isTopHop: true }] : hops;
}

/**
 * Options declared as data, so a command's parsed options are typed from its declaration: the
 * key of `--role-arn <arn>` is `roleArn` at compile time (as commander names it at run time),
 * and parseOptions checks each value's type instead of casting commander's record.
 */
import { Option, type Command } from 'commander';
import { AwsroleError, ExitCode } from '../errors.js';

export interface OptionSpec {
  /** Commander's flag syntax: `--name`, `--name <value>`. */
  readonly flags: `--${string}`;
  readonly description: string;
  /** Repeatable: every value, in order. */
  readonly repeatable?: true;
}

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** The attribute commander stores a flag under: `--role-arn <arn>` → `roleArn`. */
export type OptionKey<F extends string> = F extends `--${infer Name} <${string}>` ? CamelCase<Name> : F extends `--${infer Name}` ? CamelCase<Name> : never;

type OptionValue<S extends OptionSpec> = S extends { repeatable: true } ? string[] : S['flags'] extends `${string}<${string}>` ? string : boolean;

/** The typed options of a declaration: every option may be absent. */
export type ParsedOptions<Specs extends readonly OptionSpec[]> = {
  [S in Specs[number] as OptionKey<S['flags']>]?: OptionValue<S> | undefined;
};

function takesValue(spec: OptionSpec): boolean {
  return spec.flags.includes('<');
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function declareOptions(command: Command, specs: readonly OptionSpec[]): Command {
  for (const spec of specs) {
    const option = new Option(spec.flags, spec.description);
    if (spec.repeatable) option.argParser(collect);
    command.addOption(option);
  }
  return command;
}

function keyOf(spec: OptionSpec): string {
  return new Option(spec.flags).attributeName();
}

function isValue(spec: OptionSpec, value: unknown): boolean {
  if (spec.repeatable) return Array.isArray(value) && value.every((item) => typeof item === 'string');
  return takesValue(spec) ? typeof value === 'string' : value === true;
}

/** Commander's raw record → the declared options, each checked against its declaration. */
export function parseOptions<const Specs extends readonly OptionSpec[]>(specs: Specs, raw: Readonly<Record<string, unknown>>): ParsedOptions<Specs> {
  const parsed: Record<string, unknown> = {};
  for (const spec of specs) {
    const key = keyOf(spec);
    // Commander stores `--no-browser` as browser = false (true when absent); the declaration's key is noBrowser.
    if (spec.flags.startsWith('--no-') && !takesValue(spec)) {
      if (raw[key] === false) parsed[new Option(`--x-${spec.flags.slice(5)}`).attributeName().replace(/^x/, 'no')] = true;
      continue;
    }
    const value = raw[key];
    if (value === undefined) continue;
    if (!isValue(spec, value)) throw new AwsroleError(`option ${spec.flags} arrived as ${typeof value}`, ExitCode.internal);
    parsed[key] = value;
  }
  return parsed as ParsedOptions<Specs>;
}

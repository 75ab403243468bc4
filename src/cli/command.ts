import type { Deps } from '../deps.js';
import type { OptionSpec, ParsedOptions } from './options.js';

/** One CLI command: its declaration and its action, in one module under commands/. */
export interface CliCommand<Specs extends readonly OptionSpec[] = readonly OptionSpec[]> {
  readonly name: string;
  readonly description: string;
  readonly options: Specs;
  /** A positional argument in commander's syntax (`[message]`, `[command...]`). */
  readonly argument?: { readonly syntax: string; readonly description: string; readonly choices?: readonly string[] | undefined } | undefined;
  /** Command lines shown under --help (at least one). */
  readonly examples: readonly [string, ...string[]];
  /** Left out of the help listing and of completion (the completion scripts' own helper). */
  readonly hidden?: boolean | undefined;
  /** Options after the first argument belong to it (`exec -- CMD --flag`). */
  readonly passThrough?: boolean | undefined;
  /** Parse → open session → act → deliver; returns the exit code when it is not 0. */
  run(deps: Deps, options: ParsedOptions<Specs>, args: readonly string[]): Promise<number | void> | number | void;
}

/** Keeps the options' literal types, so `run` gets them typed. */
export function defineCommand<const Specs extends readonly OptionSpec[]>(command: CliCommand<Specs>): CliCommand<Specs> {
  return command;
}

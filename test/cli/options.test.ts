/** Options are declared as data and parsed with their types checked: a flag and its key cannot drift apart. */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { declareOptions, parseOptions, type OptionKey, type ParsedOptions } from '../../src/cli/options.js';
import { ASSUME_OPTIONS, OUTPUT_OPTIONS } from '../../src/cli/option-sets.js';

const SPECS = [
  { flags: '--role-arn <arn>', description: 'a value' },
  { flags: '--refresh', description: 'a switch' },
  { flags: '--policy-arn <arn>', description: 'repeatable', repeatable: true },
] as const;

function parse(argv: string[]): ParsedOptions<typeof SPECS> {
  const program = declareOptions(new Command('t').exitOverride(), SPECS);
  program.parse(argv, { from: 'user' });
  return parseOptions(SPECS, program.opts());
}

describe('typed options', () => {
  it('names each option as commander does, at compile time and at run time', () => {
    const key: OptionKey<'--role-session-name <name>'> = 'roleSessionName';
    expect(key).toBe('roleSessionName');
    const program = declareOptions(new Command('t'), [...ASSUME_OPTIONS, ...OUTPUT_OPTIONS]);
    expect(program.options.map((option) => option.attributeName())).toEqual([...ASSUME_OPTIONS, ...OUTPUT_OPTIONS].map((spec) => spec.flags.replace(/^--([\w-]+).*$/, '$1').replace(/-(\w)/g, (_, c: string) => c.toUpperCase())));
  });

  it('gives values, switches and repeated values their types, and leaves absent ones out', () => {
    expect(parse(['--role-arn', 'arn:x', '--policy-arn', 'a', '--policy-arn', 'b'])).toEqual({ roleArn: 'arn:x', policyArn: ['a', 'b'] });
    expect(parse(['--refresh'])).toEqual({ refresh: true });
    expect(parse([])).toEqual({});
  });

  it('refuses a raw value of the wrong type instead of casting it (internal error, exit 1)', () => {
    expect(() => parseOptions(SPECS, { roleArn: true })).toThrow(expect.objectContaining({ exitCode: 1, message: 'option --role-arn <arn> arrived as boolean' }));
    expect(() => parseOptions(SPECS, { policyArn: 'one' })).toThrow(expect.objectContaining({ exitCode: 1 }));
  });
});

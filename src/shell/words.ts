import { FORMAT_FLAG, PROFILE_FLAGS, type CompletedCommand, type CompletionSpec } from './spec.js';

/** What may follow a command: its argument's values, then its options. */
export function commandWords(command: CompletedCommand): string[] {
  return [...command.choices, ...command.options.map((option) => option.flag)];
}

/** Every flag that takes a value, except those completed with values of their own (profiles, formats). */
export function valueFlags(spec: CompletionSpec): string[] {
  const flags = new Set<string>();
  for (const command of spec.commands) for (const option of command.options) if (option.takesValue) flags.add(option.flag);
  for (const completed of [...PROFILE_FLAGS, FORMAT_FLAG]) flags.delete(completed);
  return [...flags].sort();
}

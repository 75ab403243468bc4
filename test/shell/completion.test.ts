/**
 * Completion in real shells: bash through COMP_WORDS/COMPREPLY, fish through `complete -C`,
 * zsh typed on a pseudo-terminal. Commands and options come from the command registry, profile
 * names from the files at completion time; a profile name is never run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/main.js';
import { OUTPUT_FORMATS } from '../../src/output/index.js';
import { CLI_BUILT, NOT_BUILT, runCli } from '../support/cli.js';
import { drivePty, literally, runShell, SHELLS_HERE, shellWorld, type ShellWorld } from './support.js';

/** Each visible command and the flags its declaration lists (plus --help), from the registry itself. */
async function declaredCommands(): Promise<Map<string, string[]>> {
  const commands = new Map<string, string[]>();
  for (const load of Object.values(COMMANDS)) {
    const command = await load();
    if (command.hidden !== true) commands.set(command.name, [...command.options.map((option) => option.flags.split(/[ <]/)[0] ?? ''), '--help'].sort());
  }
  return commands;
}

const sorted = (words: readonly string[]): string[] => [...words].sort();

describe.skipIf(!CLI_BUILT)(`completion (${CLI_BUILT ? 'built' : NOT_BUILT})`, () => {
  let world: ShellWorld;
  let declared: Map<string, string[]>;
  let profileNames: string[];
  beforeAll(async () => {
    world = await shellWorld('[default]\nregion = eu-west-1\n[profile prod]\nrole_arn = arn:aws:iam::111122223333:role/Admin\nsource_profile = dev\n');
    declared = await declaredCommands();
    profileNames = sorted(['default', 'dev', 'devops', 'prod', world.nastyName]);
  });

  it('the hidden helper lists every profile of both files, sorted, one a line', async () => {
    const run = await runCli(['__complete-profiles'], world.env);
    expect(run.stdout).toBe(`${profileNames.join('\n')}\n`);
    expect(run.code).toBe(0);
    const help = await runCli(['--help'], world.env);
    expect(help.stdout).not.toContain('__complete-profiles');
  });

  it.skipIf(!SHELLS_HERE.bash)('bash: commands, options per command, formats, profile names (quoted so they stay one word)', async () => {
    const lines = ['eval "$(awsrole init bash)"', 'complete -p awsrole', 'ask() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _awsrole_complete; echo "== $*"; printf "%s\\n" "${COMPREPLY[@]}" | LC_ALL=C sort; }'];
    lines.push("ask awsrole ''", "ask awsrole assume --format ''", "ask awsrole export --profile dev", "ask awsrole init ''", "ask awsrole assume --role-arn ''");
    // --profile=NAME: bash splits it at = (COMP_WORDBREAKS has it by default) or, without, keeps one word.
    lines.push('ask awsrole export --profile = dev', "ask awsrole export --profile =", 'ask awsrole export --profile=dev', 'ask awsrole assume --format = j', 'ask awsrole assume --format=j', 'ask awsrole --debug assume --pro');
    for (const name of declared.keys()) lines.push(`ask awsrole ${name} --`);
    // What bash would insert for each profile name, read back as the shell reads a command line.
    lines.push("COMP_WORDS=(awsrole assume --profile ''); COMP_CWORD=3; _awsrole_complete; echo '== inserted'", 'for r in "${COMPREPLY[@]}"; do eval "set -- $r"; printf "%s|%s\\n" "$#" "$1"; done | LC_ALL=C sort');
    const run = await runShell('bash', lines.join('\n'), world.env);
    const blocks = new Map(run.stdout.split(/^== /m).slice(1).map((block) => [block.slice(0, block.indexOf('\n')), block.split('\n').slice(1).filter(Boolean)]));
    expect(run.stdout.split('\n')[0]).toBe('complete -F _awsrole_complete awsrole');
    expect(blocks.get('awsrole ')).toEqual(sorted([...declared.keys(), '--debug', '--help', '--version']));
    expect(blocks.get('awsrole assume --format ')).toEqual(sorted(OUTPUT_FORMATS));
    expect(blocks.get('awsrole export --profile dev')).toEqual(['dev', 'devops']);
    expect(blocks.get('awsrole init ')).toEqual(sorted(['bash', 'zsh', 'fish', 'powershell', '--help']));
    expect(blocks.get('awsrole assume --role-arn ')).toEqual([]);
    expect(blocks.get('awsrole export --profile = dev')).toEqual(['dev', 'devops']);
    expect(blocks.get('awsrole export --profile =')?.length).toBe(profileNames.length);
    expect(blocks.get('awsrole export --profile=dev')).toEqual(['--profile=dev', '--profile=devops']);
    expect(blocks.get('awsrole assume --format = j')).toEqual(['json']);
    expect(blocks.get('awsrole assume --format=j')).toEqual(['--format=json']);
    expect(blocks.get('awsrole --debug assume --pro')).toEqual(['--profile']);
    for (const [name, flags] of declared) expect(blocks.get(`awsrole ${name} --`), name).toEqual(flags);
    expect(blocks.get('inserted')).toEqual(sorted(profileNames.map((name) => `1|${name}`)));
    expect(world.markersMade()).toEqual([]);
  });

  it.skipIf(!SHELLS_HERE.fish)('fish: commands, options per command, formats, profile names', async () => {
    const asks = ["awsrole ''", 'awsrole --', "awsrole assume --format ''", 'awsrole export --profile dev', 'awsrole export --profile=dev', "awsrole assume --profile ''", "awsrole init ''", ...[...declared.keys()].map((name) => `awsrole ${name} --`)];
    const script = ['awsrole init fish | source', ...asks.map((ask) => `echo '== ${ask.replaceAll("'", "\\'")}'; complete -C ${JSON.stringify(ask.replaceAll("''", ''))} | string replace -r '\\t.*' '' | LC_ALL=C sort`)].join('\n');
    const run = await runShell('fish', script, world.env);
    const blocks = new Map(run.stdout.split(/^== /m).slice(1).map((block) => [block.slice(0, block.indexOf('\n')), block.split('\n').slice(1).filter(Boolean)]));
    // fish offers options once the word starts with -.
    expect(blocks.get("awsrole ''")).toEqual(sorted([...declared.keys()]));
    expect(blocks.get('awsrole --')).toEqual(['--debug', '--help', '--version']);
    expect(blocks.get("awsrole assume --format ''")).toEqual(sorted(OUTPUT_FORMATS));
    expect(blocks.get('awsrole export --profile dev')).toEqual(['dev', 'devops']);
    expect(blocks.get("awsrole assume --profile ''")).toEqual(profileNames);
    expect(blocks.get('awsrole export --profile=dev')).toEqual(['--profile=dev', '--profile=devops']);
    expect(blocks.get("awsrole init ''")).toEqual(sorted(['bash', 'zsh', 'fish', 'powershell']));
    for (const [name, flags] of declared) expect(blocks.get(`awsrole ${name} --`), name).toEqual(flags);
    expect(world.markersMade()).toEqual([]);
  });

  it.skipIf(!SHELLS_HERE.zsh)('zsh, typed on a terminal: Tab completes a command, a profile, the metacharacter name (run quoted), a format', async () => {
    const rc = await world.home.write('zshrc', 'autoload -Uz compinit && compinit -u -D\neval "$(awsrole init zsh)"\nunsetopt beep\nPS1="READY> "\n');
    const show = ' ; print -r -- "<<$AWSROLE_PROFILE>>"\r';
    const run = await drivePty(['zsh', '-f', '-i'], world.env, [
      { send: `source ${rc}\r`, expect: 'READY> ' },
      { send: 'awsrole exp\t--profile devo\t', expect: 'ops' },
      { send: show, expect: '<<devops>>' },
      { send: 'awsrole export --profile x\t', expect: literally('x\\$\\(') },
      { send: show, expect: `<<${literally(world.nastyName)}>>` },
      { send: 'awsrole export --profile=devo\t', expect: 'ops' },
      { send: show, expect: '<<devops>>' },
      { send: 'awsrole export --profile dev --format js\t\r', expect: '"AccessKeyId": "AKIADEVDEVDEVDEV0001"' },
      { send: 'exit\r', expect: '' },
    ]);
    expect(run.ok, run.transcript).toBe(true);
    expect(world.markersMade()).toEqual([]);
  });

  it.skipIf(!SHELLS_HERE.zsh)('zsh: compinit after the init line still gets completion; without compinit, one hint at the first prompt', async () => {
    const later = await world.home.write('zshrc-later', 'eval "$(awsrole init zsh)"\nautoload -Uz compinit && compinit -u -D\nunsetopt beep\nPS1="READY> "\n');
    const laterRun = await drivePty(['zsh', '-f', '-i'], world.env, [
      { send: `source ${later}\r`, expect: 'READY> ' },
      { send: 'awsrole export --profile devo\t', expect: 'ops' },
      { send: ' ; print -r -- "<<$AWSROLE_PROFILE>>"\r', expect: '<<devops>>' },
      { send: 'exit\r', expect: '' },
    ]);
    expect(laterRun.ok, laterRun.transcript).toBe(true);
    expect(laterRun.transcript).not.toContain('needs compinit');
    const none = await world.home.write('zshrc-none', 'eval "$(awsrole init zsh)"\nPS1="READY> "\n');
    const noneRun = await drivePty(['zsh', '-f', '-i'], world.env, [
      { send: `source ${none}\r`, expect: 'needs compinit[\\s\\S]*READY> ' },
      { send: 'awsrole export --profile dev; print -r -- "<<$AWSROLE_PROFILE>>"\r', expect: '<<dev>>[\\s\\S]*READY> ' },
      { send: 'exit\r', expect: '' },
    ]);
    expect(noneRun.ok, noneRun.transcript).toBe(true);
    expect(noneRun.transcript.match(/needs compinit/g)).toHaveLength(1);
  });
});

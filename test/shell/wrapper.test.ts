/**
 * `awsrole init SHELL` loaded into real bash, zsh and fish: the wrapper evaluates
 * assume/mfa/export/unset only when they succeed, returns their exit status, passes everything
 * else through, keeps AWSROLE_PROFILE, and never runs a profile name.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_BUILT, NOT_BUILT } from '../support/cli.js';
import { runShell, SHELLS_HERE, shellWorld, type RealShell, type ShellWorld } from './support.js';

const POSIX_STEPS = (shell: string): string => `
eval "$(awsrole init ${shell})" 2>/dev/null
report() { printf '%s status=%s key=%s profile=%s\\n' "$1" "$2" "\${AWS_ACCESS_KEY_ID-UNSET}" "\${AWSROLE_PROFILE-UNSET}"; }
awsrole export --profile "$NASTY"; report nasty $?
awsrole export --profile nope 2>/dev/null; report unknown $?
out=$(awsrole export --profile dev --format json); report json $?
case $out in *AKIADEVDEVDEVDEV0001*) echo json-printed ;; esac
awsrole export --profile=devops; report equals $?
awsrole unset; report unset $?
AWS_PROFILE=dev; export AWS_PROFILE; awsrole export; report env $?
awsrole --version >/dev/null; report version $?
awsrole assume --help >/dev/null; report help $?
awsrole assume --profile dev 2>/dev/null; report not-a-role $?
awsrole --debug export --profile devops 2>"$HOME/debug.txt"; report debug $?
grep -q '^awsrole: debug: ' "$HOME/debug.txt" && echo debug-on-stderr
awsrole --debug unset 2>/dev/null; report debug-unset $?
awsrole --debug --version; report debug-version $?
`;

const FISH_STEPS = `
awsrole init fish | source
function report
    set -l k UNSET; set -q AWS_ACCESS_KEY_ID; and set k $AWS_ACCESS_KEY_ID
    set -l p UNSET; set -q AWSROLE_PROFILE; and set p $AWSROLE_PROFILE
    printf '%s status=%s key=%s profile=%s\\n' $argv[1] $argv[2] $k $p
end
awsrole export --profile $NASTY; report nasty $status
awsrole export --profile nope 2>/dev/null; report unknown $status
set out (awsrole export --profile dev --format json); report json $status
string match -q '*AKIADEVDEVDEVDEV0001*' -- $out; and echo json-printed
awsrole export --profile=devops; report equals $status
awsrole unset; report unset $status
set -gx AWS_PROFILE dev; awsrole export; report env $status
awsrole --version >/dev/null; report version $status
awsrole assume --help >/dev/null; report help $status
awsrole assume --profile dev 2>/dev/null; report not-a-role $status
awsrole --debug export --profile devops 2>$HOME/debug.txt; report debug $status
grep -q '^awsrole: debug: ' $HOME/debug.txt; and echo debug-on-stderr
awsrole --debug unset 2>/dev/null; report debug-unset $status
awsrole --debug --version; report debug-version $status
`;

function expected(nasty: string): string[] {
  return [
    `nasty status=0 key=AKIANASTYNASTY000003 profile=${nasty}`,
    // A failure changes nothing: the exit code comes back, nothing is evaluated.
    `unknown status=5 key=AKIANASTYNASTY000003 profile=${nasty}`,
    // --format: passed through, printed, not evaluated.
    `json status=0 key=AKIANASTYNASTY000003 profile=${nasty}`,
    'json-printed',
    'equals status=0 key=AKIADEVOPS0000000002 profile=devops',
    'unset status=0 key=UNSET profile=UNSET',
    // No --profile: the profile botocore took from the environment.
    'env status=0 key=AKIADEVDEVDEVDEV0001 profile=dev',
    'version status=0 key=AKIADEVDEVDEVDEV0001 profile=dev',
    'help status=0 key=AKIADEVDEVDEVDEV0001 profile=dev',
    'not-a-role status=2 key=AKIADEVDEVDEVDEV0001 profile=dev',
    // --debug before the command: still evaluated (nothing printed), the debug lines on stderr.
    'debug status=0 key=AKIADEVOPS0000000002 profile=devops',
    'debug-on-stderr',
    'debug-unset status=0 key=UNSET profile=UNSET',
    // Anything else is passed through with --debug.
    '0.1.0',
    'debug-version status=0 key=UNSET profile=UNSET',
  ];
}

describe.skipIf(!CLI_BUILT)(`the shell wrapper (${CLI_BUILT ? 'built' : NOT_BUILT})`, () => {
  let world: ShellWorld;
  beforeAll(async () => {
    world = await shellWorld();
  });

  for (const shell of ['bash', 'zsh', 'fish'] as const satisfies readonly RealShell[]) {
    it.skipIf(!SHELLS_HERE[shell])(`${shell}: evaluates on success only, returns the status, keeps AWSROLE_PROFILE, runs no profile name`, async () => {
      const script = shell === 'fish' ? FISH_STEPS : POSIX_STEPS(shell);
      const run = await runShell(shell, script, { ...world.env, NASTY: world.nastyName });
      expect(run.stdout.trimEnd().split('\n')).toEqual(expected(world.nastyName));
      expect(world.markersMade()).toEqual([]);
      expect(run.code).toBe(0);
    });
  }
});

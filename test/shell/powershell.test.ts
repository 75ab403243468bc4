/**
 * PowerShell is not in Debian (no pwsh to run here or in CI), so its scripts are checked as
 * text: the parts that decide what runs, and that every command's options are listed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/main.js';
import { CLI_BUILT, makeHome, NOT_BUILT, runCli, type FakeHome } from '../support/cli.js';

describe.skipIf(!CLI_BUILT)(`powershell scripts, as text (${CLI_BUILT ? 'built' : NOT_BUILT})`, () => {
  let home: FakeHome;
  beforeAll(async () => {
    home = await makeHome();
  });

  it('init is one line (Invoke-Expression runs piped lines one by one) holding the wrapper and the completer', async () => {
    const init = await runCli(['init', 'powershell'], home.env);
    const completion = await runCli(['completion', 'powershell'], home.env);
    expect(init.code).toBe(0);
    const lines = init.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const match = /^\. \(\[ScriptBlock\]::Create\(\[Text\.Encoding\]::UTF8\.GetString\(\[Convert\]::FromBase64String\('([A-Za-z0-9+/=]+)'\)\)\)\)$/.exec(lines[0] ?? '');
    expect(match).not.toBeNull();
    const script = Buffer.from(match?.[1] ?? '', 'base64').toString('utf8');
    expect(script.endsWith(completion.stdout)).toBe(true);
    const wrapper = script.slice(0, script.length - completion.stdout.length);
    expect(wrapper).toContain('function awsrole {');
    // The program, never the function itself; its output evaluated only on success; its status returned.
    expect(wrapper).toContain("Get-Command -Name awsrole -CommandType Application");
    expect(wrapper).toContain('$awsroleOut = & $awsroleExe @awsroleGlobal $awsroleCommand --format powershell @awsroleRest');
    // --debug before the command is looked past (and passed on), as in the other shells.
    expect(wrapper).toContain("while ($awsroleArgs.Count -gt 0 -and [string]$awsroleArgs[0] -eq '--debug') { $awsroleGlobal = @('--debug'); $awsroleArgs = @($awsroleArgs | Select-Object -Skip 1) }");
    expect(wrapper).toContain(
      "if ($awsroleStatus -eq 0) {\n    Remove-Item Env:AWSROLE_PROFILE -ErrorAction SilentlyContinue\n    if ($awsroleOut) { ($awsroleOut -join [Environment]::NewLine) | Invoke-Expression }",
    );
    expect(wrapper).toContain('$global:LASTEXITCODE = $awsroleStatus');
    // The profile name is only ever assigned, never evaluated.
    expect(wrapper.match(/Invoke-Expression/g)).toHaveLength(1);
    expect(wrapper).toContain("if ($awsroleCommand -eq 'unset') { Remove-Item Env:AWSROLE_PROFILE -ErrorAction SilentlyContinue }\n    elseif ($awsroleProfile) { $Env:AWSROLE_PROFILE = $awsroleProfile }");
    expect(wrapper).toContain("$awsrolePass = @('--format', '--write-profile', '--help', '-h')");
    expect(wrapper).toContain("(@('assume', 'mfa', 'export', 'unset') -contains $awsroleCommand)");
  });

  it("the completer lists each command's options from its declaration, the formats, and asks for profile names", async () => {
    const completion = await runCli(['completion', 'powershell'], home.env);
    expect(completion.stdout.startsWith('Register-ArgumentCompleter -Native -CommandName awsrole -ScriptBlock {')).toBe(true);
    for (const load of Object.values(COMMANDS)) {
      const command = await load();
      if (command.hidden === true) {
        expect(completion.stdout).not.toContain(`'${command.name}' =`);
        continue;
      }
      const choices = (command.argument?.choices ?? []).map((choice) => `'${choice}'`);
      const flags = [...command.options.map((option) => `'${option.flags.split(/[ <]/)[0] ?? ''}'`), "'--help'"];
      expect(completion.stdout).toContain(`    '${command.name}' = @(${[...choices, ...flags].join(', ')})\n`);
    }
    expect(completion.stdout).toContain("elseif ($prev -eq '--format') { $candidates = @('sh', 'fish', 'powershell', 'cmd', 'dotenv', 'json', 'process') }");
    expect(completion.stdout).toContain("if (@('--profile', '--source-profile') -contains $prev) { $candidates = @(& (Get-Command -Name awsrole -CommandType Application | Select-Object -First 1).Source __complete-profiles 2>$null) }");
  });

  it('an unknown or missing shell is a usage error naming the four', async () => {
    for (const args of [['init', 'tcsh'], ['completion'], ['init']]) {
      const run = await runCli(args, home.env);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('one of bash, zsh, fish, powershell');
    }
  });
});

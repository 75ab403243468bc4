/** PowerShell: the wrapper function and a native argument completer (checked as text: no pwsh in Debian). */
import { quotePowerShell } from '../output/env.js';
import { FORMAT_FLAG, PASS_THROUGH_FLAGS, PROFILE_FLAGS, PROFILE_VARIABLE, PROFILES_HELPER, WRAPPED_COMMANDS, DEBUG_FLAG, type CompletionSpec } from './spec.js';
import { commandWords, valueFlags } from './words.js';

const list = (words: readonly string[]): string => `@(${words.map(quotePowerShell).join(', ')})`;

/** The program is found as an application, so the function never calls itself. */
export function powershellWrapper(): string {
  return `function awsrole {
  $awsroleExe = (Get-Command -Name awsrole -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
  $awsroleGlobal = @()
  $awsroleArgs = @($args)
  while ($awsroleArgs.Count -gt 0 -and [string]$awsroleArgs[0] -eq '${DEBUG_FLAG}') { $awsroleGlobal = @('${DEBUG_FLAG}'); $awsroleArgs = @($awsroleArgs | Select-Object -Skip 1) }
  $awsroleCommand = if ($awsroleArgs.Count -gt 0) { [string]$awsroleArgs[0] } else { '' }
  $awsroleRest = @($awsroleArgs | Select-Object -Skip 1)
  $awsrolePass = ${list(PASS_THROUGH_FLAGS)}
  $awsroleWrapped = (${list(WRAPPED_COMMANDS)} -contains $awsroleCommand)
  $awsroleProfile = $null
  for ($i = 0; $i -lt $awsroleRest.Count; $i++) {
    $awsroleArg = [string]$awsroleRest[$i]
    if ($awsrolePass -contains $awsroleArg -or $awsroleArg.StartsWith('--format=') -or $awsroleArg.StartsWith('--write-profile=')) { $awsroleWrapped = $false }
    elseif ($awsroleArg -eq '--profile' -and $i + 1 -lt $awsroleRest.Count) { $awsroleProfile = [string]$awsroleRest[$i + 1]; $i++ }
    elseif ($awsroleArg.StartsWith('--profile=')) { $awsroleProfile = $awsroleArg.Substring(10) }
  }
  if (-not $awsroleWrapped) { & $awsroleExe @args; return }
  if (-not $awsroleProfile) { $awsroleProfile = if ($Env:AWS_DEFAULT_PROFILE) { $Env:AWS_DEFAULT_PROFILE } else { $Env:AWS_PROFILE } }
  $awsroleOut = & $awsroleExe @awsroleGlobal $awsroleCommand --format powershell @awsroleRest
  $awsroleStatus = $LASTEXITCODE
  if ($awsroleStatus -eq 0) {
    Remove-Item Env:${PROFILE_VARIABLE} -ErrorAction SilentlyContinue
    if ($awsroleOut) { ($awsroleOut -join [Environment]::NewLine) | Invoke-Expression }
    if ($awsroleCommand -eq 'unset') { Remove-Item Env:${PROFILE_VARIABLE} -ErrorAction SilentlyContinue }
    elseif ($awsroleProfile) { $Env:${PROFILE_VARIABLE} = $awsroleProfile }
  }
  $global:LASTEXITCODE = $awsroleStatus
}
`;
}

/** A completion with a quote or space is inserted quoted, so it stays one argument. */
export function powershellCompletion(spec: CompletionSpec): string {
  const byCommand = spec.commands.map((command) => `    ${quotePowerShell(command.name)} = ${list(commandWords(command))}`).join('\n');
  const top = [...spec.commands.map((command) => command.name), ...spec.globalOptions.map((option) => option.flag)];
  return `Register-ArgumentCompleter -Native -CommandName awsrole -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $words = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -le $cursorPosition } | ForEach-Object { $_.ToString() })
  if ($wordToComplete) { $words = @($words | Select-Object -SkipLast 1) }
  $prev = if ($words.Count -gt 1) { $words[-1] } else { '' }
  $command = @($words | Select-Object -Skip 1 | Where-Object { -not $_.StartsWith('-') } | Select-Object -First 1)
  $byCommand = @{
${byCommand}
  }
  if (${list(PROFILE_FLAGS)} -contains $prev) { $candidates = @(& (Get-Command -Name awsrole -CommandType Application | Select-Object -First 1).Source ${PROFILES_HELPER} 2>$null) }
  elseif ($prev -eq '${FORMAT_FLAG}') { $candidates = ${list(spec.formats)} }
  elseif (${list(valueFlags(spec))} -contains $prev) { return }
  elseif ($command.Count -gt 0 -and $byCommand.ContainsKey($command[0])) { $candidates = $byCommand[$command[0]] }
  else { $candidates = ${list(top)} }
  $candidates | Where-Object { $_.StartsWith($wordToComplete, [StringComparison]::OrdinalIgnoreCase) } | ForEach-Object {
    $text = if ($_ -match "[\\s'\`"\`$;&|(){}@#,<>]") { "'" + ($_ -replace "'", "''") + "'" } else { $_ }
    [System.Management.Automation.CompletionResult]::new($text, $_, 'ParameterValue', $_)
  }
}
`;
}

import type { Env } from '../domain/env.js';

/** Python's os.path.expanduser + expandvars, as botocore applies them to file settings. */
export function expandPath(path: string, env: Env, homedir: string): string {
  const withVars = path.replace(/\$(\w+)|\$\{([^}]*)\}/g, (whole, bare: string | undefined, braced: string | undefined) => {
    const value = env[bare ?? braced ?? ''];
    return value ?? whole;
  });
  // Python's expanduser takes ~/ and, on Windows, ~\ too.
  if (withVars === '~' || withVars.startsWith('~/') || withVars.startsWith('~\\')) return homeOf(env, homedir) + withVars.slice(1);
  return withVars;
}

function homeOf(env: Env, homedir: string): string {
  return env['HOME'] ?? homedir;
}

export function credentialsFilePath(env: Env, homedir: string): string {
  return expandPath(env['AWS_SHARED_CREDENTIALS_FILE'] ?? '~/.aws/credentials', env, homedir);
}

export function configFilePath(env: Env, homedir: string): string {
  return expandPath(env['AWS_CONFIG_FILE'] ?? '~/.aws/config', env, homedir);
}

/** Shows a path the way a user typed it: ~ for the home directory. */
export function displayPath(path: string, env: Env, homedir: string): string {
  const home = homeOf(env, homedir);
  return path === home || path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

/** Files that hold secrets are 0600, their folders 0700 (DESIGN.md, "Caches"). */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_FOLDER_MODE = 0o700;

/** The permission bits of a stat mode as `ls`-style octal: `0644`. */
export function formatMode(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

/** True when anyone besides the owner may read, write or enter the file. */
export function isOpenToOthers(mode: number): boolean {
  return (mode & 0o077) !== 0;
}

/**
 * The warning for a secrets file that was open to other users before awsrole rewrote it
 * (the rewrite leaves it 0600): `~/.aws/credentials was readable by others (mode 0644); it now is 0600`.
 */
export function openToOthersWarning(shownPath: string, mode: number): string {
  const what = (mode & 0o044) !== 0 ? 'readable' : 'accessible';
  return `${shownPath} was ${what} by others (mode ${formatMode(mode)}); it now is ${formatMode(PRIVATE_FILE_MODE)}`;
}

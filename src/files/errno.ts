/** The errno code of a failed file operation (ENOENT, EEXIST, ...), if it has one. */
export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Why a file named by an environment variable (a CA certificate, a secret, the token file) could
 * not be read, in words: `does not exist`, `is a directory, not a file`, rather than Node's errno
 * code alone. Never the file's content.
 */
export function readFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code
  switch (code) {
    case 'ENOENT':
      return 'it does not exist'
    case 'EISDIR':
      return 'it is a directory, not a file'
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    default:
      return code ?? (e instanceof Error ? e.message : String(e))
  }
}

/**
 * The CLI's file edge: reading a user's input file and writing an output file, with the mistakes
 * people make (a directory, a missing folder, no permission, a binary file given as CSV) turned
 * into one line with a DW_FILE_* code (exit 2) instead of a Node stack trace.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { DriftwatchError } from '../errors.js'

/** Bytes looked at to tell a text file from a binary one (git and grep look at the first 8000). */
const SNIFF_BYTES = 8192

/** The first `n` bytes, printable ASCII as is and everything else escaped (\x00, \n): safe on one line. */
export function escapedPreview(bytes: Uint8Array, n = 24): string {
  let s = ''
  for (const b of bytes.subarray(0, n)) s += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : b === 0x5c ? '\\\\' : `\\x${b.toString(16).padStart(2, '0')}`
  return bytes.length > n ? `${s}...` : s
}

/** A NUL byte in the first bytes means binary (as git and grep decide); UTF-16 text is refused too. */
export function looksBinary(head: Uint8Array): boolean {
  return head.includes(0)
}

type Purpose = 'read' | 'write'

/** A Node fs error about `path` as a DriftwatchError with an actionable message; other errors unchanged. */
export function fileError(e: unknown, path: string, what: string, purpose: Purpose): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code
  const cannot = purpose === 'read' ? `cannot read ${what} ${path}` : `cannot write ${what} ${path}`
  const ctx = { path, cause: e }
  const fail = (reason: string) => new DriftwatchError(purpose === 'read' ? 'DW_FILE_INVALID' : 'DW_FILE_UNWRITABLE', `${cannot}: ${reason}`, ctx)
  switch (code) {
    case 'ENOENT':
      return purpose === 'read'
        ? new DriftwatchError('DW_FILE_NOT_FOUND', `${what} ${path}: no such file`, ctx)
        : // A folder that exists but takes no new file (/proc, a mount of another kind) also says ENOENT.
          fail(existsSync(dirname(path)) ? `no file can be created in ${dirname(path)}; choose another path` : `the folder ${dirname(path)} does not exist; create it or choose another path`)
    case 'EISDIR':
      return fail(purpose === 'read' ? 'it is a directory; give the path of a file' : 'it is a directory; give a file name inside it')
    case 'ENOTDIR':
      return fail('a part of the path is a file, not a folder')
    case 'EACCES':
    case 'EPERM':
      return fail(`permission denied; check the ${purpose === 'read' ? 'file' : 'folder'}'s permissions or choose another path`)
    case 'EROFS':
      return fail('the file system is read-only; choose another path')
    case 'ENOSPC':
      return fail('no space left on the device')
    case 'ENAMETOOLONG':
      return fail('the path is too long')
    default:
      return e
  }
}

/** Reads the first bytes of a file: refuses a directory, a missing or unreadable file, or binary content. */
export function assertTextFile(path: string, what: string, expected: string): void {
  let fd: number | undefined
  const head = Buffer.alloc(SNIFF_BYTES)
  let n: number
  try {
    fd = openSync(path, 'r')
    n = readSync(fd, head, 0, SNIFF_BYTES, 0)
  } catch (e) {
    throw fileError(e, path, what, 'read')
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
  const bytes = head.subarray(0, n)
  if (looksBinary(bytes)) {
    throw new DriftwatchError('DW_FILE_INVALID', `${what} ${path} is not a text file (it starts with "${escapedPreview(bytes)}"); expected ${expected}`, { path })
  }
}

/**
 * A text input file as a string: DW_FILE_NOT_FOUND / DW_FILE_INVALID for the usual mistakes.
 * Read once, then its first bytes looked at: a pipe (`DRIFTWATCH_CONFIG=<(...)`) cannot be read
 * from its start a second time.
 */
export function readTextFile(path: string, what: string, expected: string): string {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (e) {
    throw fileError(e, path, what, 'read')
  }
  const head = bytes.subarray(0, SNIFF_BYTES)
  if (looksBinary(head)) {
    throw new DriftwatchError('DW_FILE_INVALID', `${what} ${path} is not a text file (it starts with "${escapedPreview(head)}"); expected ${expected}`, { path })
  }
  return bytes.toString('utf8')
}

/** Writes an output file: DW_FILE_UNWRITABLE (exit 2) for a directory, a missing folder, no permission. */
export function writeTextFile(path: string, text: string, what: string): void {
  try {
    writeFileSync(path, text)
  } catch (e) {
    throw fileError(e, path, what, 'write')
  }
}

/**
 * DRIFTWATCH_DATA_DIR checked before a command uses it: chDB's data, the pseudonymization key, the
 * instance file and the demo's files live there, and each would fail in its own way (EEXIST from a
 * mkdir, ENOTDIR under chDB, "is start running?") when the path is a file. Every command gives the
 * same DW_FILE_UNWRITABLE (exit 2) instead, as does `driftwatch config validate`. A missing folder
 * is fine: it is created when first needed.
 */
import { accessSync, constants, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { DriftwatchError } from '../errors.js'

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code

/** The nearest of `path` and the folders above it that exists, with what it is; null when none can be read. */
function nearestExisting(path: string): { path: string; isDirectory: boolean } | null {
  for (let p = resolve(path); ; p = dirname(p)) {
    try {
      return { path: p, isDirectory: statSync(p).isDirectory() }
    } catch (e) {
      // ENOTDIR: a folder above is a file; the walk finds it.
      if (errno(e) !== 'ENOENT' && errno(e) !== 'ENOTDIR') return null
      if (dirname(p) === p) return null
    }
  }
}

/**
 * Why `dataDir` cannot be driftwatch's data folder, or null. `writable`: also that the folder (or
 * the one it would be created in) can be written, which a command that only reads need not ask.
 */
export function dataDirProblem(dataDir: string, o: { writable?: boolean } = {}): string | null {
  const found = nearestExisting(dataDir)
  if (found === null) return null
  if (!found.isDirectory) {
    return found.path === resolve(dataDir)
      ? `${dataDir} is a file, not a folder; set DRIFTWATCH_DATA_DIR to a folder (created when missing)`
      : `${found.path} is a file, not a folder, so ${dataDir} cannot be created in it; set DRIFTWATCH_DATA_DIR to a folder (created when missing)`
  }
  if (o.writable) {
    try {
      accessSync(found.path, constants.W_OK | constants.X_OK)
    } catch {
      return `${found.path} is not writable by this user; check its permissions or set DRIFTWATCH_DATA_DIR to another folder`
    }
  }
  return null
}

/** The error of a data folder's problem: DW_FILE_UNWRITABLE (exit 2) naming DRIFTWATCH_DATA_DIR. */
export const dataDirError = (dataDir: string, problem: string): DriftwatchError =>
  new DriftwatchError('DW_FILE_UNWRITABLE', `DRIFTWATCH_DATA_DIR: ${problem}`, { path: dataDir })

/** Throws DW_FILE_UNWRITABLE (exit 2) naming DRIFTWATCH_DATA_DIR when it cannot be the data folder. */
export function assertDataDir(dataDir: string): void {
  const problem = dataDirProblem(dataDir)
  if (problem) throw dataDirError(dataDir, problem)
}

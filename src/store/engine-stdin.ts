/**
 * The embedded engine reads the process's standard input on every INSERT. chDB runs ClickHouse's
 * client code in the process, and that code asks whether stdin holds data for the insert before
 * it sends the insert's own rows (ClientBase::sendData, chdb-core#239): with stdin a pipe or a
 * socket that is open but idle (a supervisor's pipe, a parent process that never writes or
 * closes it) the insert blocks until it is closed, and bytes that do arrive are parsed and stored
 * as rows of whatever table is being written. A consumer stopped forever, or rows nobody sent.
 *
 * driftwatch never reads stdin, so before the engine starts, file descriptor 0 is made
 * /dev/null: every probe then reads end-of-file at once. A terminal is left alone (the engine
 * does not read a terminal), as is a stdin that already is /dev/null.
 */
import { closeSync, fstatSync, openSync, statSync } from 'node:fs'
import { isatty } from 'node:tty'
import { DriftwatchError } from '../errors.js'

const STDIN = 0

/** Makes fd 0 /dev/null unless it is a terminal or /dev/null already; idempotent. */
export function detachStdinFromEngine(): void {
  const devNull = statSync('/dev/null')
  let current: ReturnType<typeof fstatSync> | null = null
  try {
    current = fstatSync(STDIN)
  } catch {
    // fd 0 is closed: the engine's read fails harmlessly, but the next file this process opens
    // would become fd 0 and be read as insert data. It is taken by /dev/null below.
  }
  if (current && (isatty(STDIN) || (current.isCharacterDevice() && current.rdev === devNull.rdev))) return
  if (current) closeSync(STDIN)
  // The lowest free descriptor is the one just closed. Another thread opening a file in between
  // would take it instead: then it is not left for the engine to read.
  const fd = openSync('/dev/null', 'r')
  if (fd !== STDIN) {
    closeSync(fd)
    throw new DriftwatchError(
      'DW_CLICKHOUSE_UNAVAILABLE',
      'could not point standard input at /dev/null before starting the embedded engine (another file took descriptor 0); start driftwatch with stdin from /dev/null (`< /dev/null`)',
    )
  }
}

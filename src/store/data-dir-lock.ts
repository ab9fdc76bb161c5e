/**
 * Who holds a chDB data directory. chDB opens a directory in one process at a time, and a second
 * process only gets `CHDB_CONNECTION: Failed to create connection`. So the process that opens it
 * writes `<dataDir>/chdb.lock` (pid, command, start time, host) and removes it on close; another
 * process that finds a live holder is told who it is and what to do instead (DW_DATA_DIR_LOCKED).
 * Within one process the lock is counted, so several stores on one directory (tests, the
 * maintenance commands beside the app) share it.
 *
 * The scheme, on a local POSIX filesystem (link, rename and unlink of one name are atomic):
 * - Creating: the content is written to a unique candidate file in the same directory, flushed,
 *   and hard-linked to `chdb.lock`; `link` fails with EEXIST when the lock exists. So the lock
 *   never exists without its content, and of any number of racing creators exactly one succeeds.
 * - Stale: a lock whose pid is gone on this host, or this pid's own from an earlier process (a
 *   restarted container keeps its pid and hostname). A dead process does not come back, and its
 *   lock's content (pid, host, start time to the millisecond) is never written again.
 * - Taking over a stale lock S: only the process that creates the claim
 *   `chdb.lock.takeover-<hash of S>` (by the same link) may remove S. Holding the claim, it
 *   re-reads the lock; if that is still S, nothing else can remove it (S's owner is dead, any
 *   other remover needs the claim), so it renames S aside, checks that what it moved is S, and
 *   deletes it. Then it removes the claim and creates its own lock like anyone else: the link
 *   race decides, and the loser reads the winner's live lock and gets DW_DATA_DIR_LOCKED. A
 *   taker that finds the claim held by a live process waits for it; one held by a process that
 *   died is broken the same way, with a claim named after it (`…-<hash>.<hash>`).
 * Limits:
 * - Liveness is judged on this host only. A lock or claim written by another host (a shared
 *   volume, or a container or pod recreated with a new hostname after kill -9) is never taken
 *   over: the message names the host and the file to delete once that host is gone.
 * - A reused pid makes a stale lock look alive: the message says to delete the file then.
 * - A lock that is not ours to parse (written by hand or by another program) is not taken over.
 * - A process killed between creating a candidate or claim and removing it leaves a small
 *   `chdb.lock.*` file that is never read again; it can be deleted while the directory is unused.
 * - NFS and other network filesystems without atomic link are not covered.
 */
import { createHash, randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { DriftwatchError } from '../errors.js'

export interface LockHolder {
  readonly pid: number
  readonly command: string
  readonly startedAt: string
  readonly host: string
}

/** Locks this process holds: open count and the exact content it wrote. */
const held = new Map<string, { count: number; content: string }>()
/** How long a taker waits for another live taker to finish before it gives up. */
const TAKEOVER_WAIT_MS = 5_000

export const lockPathOf = (dataDir: string): string => join(dataDir, 'chdb.lock')

function parseHolder(content: string): LockHolder | null {
  try {
    const h = JSON.parse(content) as Partial<LockHolder>
    return typeof h.pid === 'number' ? { pid: h.pid, command: String(h.command ?? '?'), startedAt: String(h.startedAt ?? '?'), host: String(h.host ?? '?') } : null
  } catch {
    return null
  }
}

function readContent(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Gone for good: its process is not running on this host (or is this process's earlier self). */
const deadHere = (h: LockHolder): boolean => h.host === hostname() && (h.pid === process.pid || !alive(h.pid))

const unique = (): string => `${process.pid}-${randomBytes(6).toString('hex')}`
const hashOf = (content: string): string => createHash('sha256').update(content).digest('hex').slice(0, 16)

function removeQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    // already gone
  }
}

/** Creates `target` with `content`, atomically; false when it exists. */
function createWith(target: string, content: string): boolean {
  const candidate = `${target}.${unique()}.tmp`
  const fd = openSync(candidate, 'wx')
  try {
    writeSync(fd, content)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  try {
    linkSync(candidate, target)
    return true
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw e
  } finally {
    removeQuietly(candidate)
  }
}

/** The command line of this process, as a user would type it. */
function thisCommand(): string {
  const args = process.argv.slice(2).join(' ')
  return `driftwatch ${args}`.replace(/[\r\n]+/g, ' ').slice(0, 200)
}

function me(): string {
  const h: LockHolder = { pid: process.pid, command: thisCommand(), startedAt: new Date().toISOString(), host: hostname() }
  return `${JSON.stringify(h)}\n`
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

export function lockDataDir(dataDir: string): () => void {
  const path = lockPathOf(dataDir)
  const mine = held.get(path)
  if (mine) {
    mine.count++
    return once(() => release(path))
  }
  const deadline = Date.now() + TAKEOVER_WAIT_MS
  for (;;) {
    const content = me()
    if (createWith(path, content)) {
      held.set(path, { count: 1, content })
      return once(() => release(path))
    }
    const current = readContent(path)
    if (current === null) continue // released meanwhile: create again
    const holder = parseHolder(current)
    if (!holder || !deadHere(holder)) throw locked(dataDir, path, holder, path)
    if (!takeOver(dataDir, path, current, `${path}.takeover-${hashOf(current)}`, []) && Date.now() > deadline) {
      throw locked(dataDir, path, holder, path)
    }
  }
}

/**
 * Removes the stale lock `stale` if this process wins `claim`; `broken` are claims of dead takers
 * that `claim` supersedes, removed with it. Returns false when another live taker is at work.
 */
function takeOver(dataDir: string, path: string, stale: string, claim: string, broken: string[]): boolean {
  const mine = `${JSON.stringify({ pid: process.pid, host: hostname() })}\n`
  if (!createWith(claim, mine)) {
    const other = readContent(claim)
    if (other === null) return true // that taker finished: look at the lock again
    const taker = parseHolder(other)
    if (taker && deadHere(taker)) return takeOver(dataDir, path, stale, `${claim}.${hashOf(other)}`, [...broken, claim])
    if (!taker || taker.host !== hostname()) throw locked(dataDir, path, taker && { ...taker, command: 'driftwatch (taking over a stale lock)', startedAt: '?' }, claim)
    sleepMs(2)
    return false
  }
  try {
    if (readContent(path) !== stale) return true
    const aside = `${path}.stale-${unique()}`
    renameSync(path, aside)
    if (readContent(aside) !== stale) {
      // Only a process outside this scheme can have changed the lock: put its lock back.
      try {
        linkSync(aside, path)
      } catch {
        // another lock took its place: it says who holds the directory now
      } finally {
        removeQuietly(aside)
      }
      throw locked(dataDir, path, parseHolder(readContent(path) ?? ''), path)
    }
    removeQuietly(aside)
    return true
  } finally {
    for (const c of broken) removeQuietly(c)
    removeQuietly(claim)
  }
}

function locked(dataDir: string, path: string, holder: LockHolder | null, file: string): DriftwatchError {
  const alternatives = 'or use a ClickHouse server (CLICKHOUSE_URL) or another DRIFTWATCH_DATA_DIR'
  if (!holder) {
    return new DriftwatchError(
      'DW_DATA_DIR_LOCKED',
      `the data directory ${dataDir} has a lock file that does not say which process holds it (${file}): if no process uses this directory, delete ${file} and run this again, ${alternatives}`,
      { retriable: false, lockFile: file },
    )
  }
  const by = `in use by \`${holder.command}\``
  const opensOne = 'and chDB opens a data directory in one process at a time'
  if (holder.host !== hostname()) {
    return new DriftwatchError(
      'DW_DATA_DIR_LOCKED',
      `the data directory ${dataDir} is ${by} (pid ${holder.pid} on host ${holder.host}, since ${holder.startedAt}), ${opensOne}, and from host ${hostname()} it cannot be told whether that process still runs: ` +
        `if host ${holder.host} (a container or pod that was replaced, a machine) is gone, delete ${file} and run this again; if it runs, send data to that instance's HTTP API or stop it there, ${alternatives}`,
      { retriable: false, pid: holder.pid, host: holder.host, lockFile: file },
    )
  }
  return new DriftwatchError(
    'DW_DATA_DIR_LOCKED',
    `the data directory ${dataDir} is ${by} (pid ${holder.pid}, since ${holder.startedAt}), ${opensOne}: ` +
      `send data to that instance's HTTP API, or stop it (kill ${holder.pid}) and run this again, ${alternatives} ` +
      `(if that process is not driftwatch, delete ${file})`,
    { retriable: false, pid: holder.pid, lockFile: file },
  )
}

function release(path: string): void {
  const mine = held.get(path)
  if (!mine) return
  if (--mine.count > 0) return
  held.delete(path)
  // Only our own lock: a live holder's lock is never removed by anyone else, so it is still there.
  if (readContent(path) === mine.content) removeQuietly(path)
}

function once(f: () => void): () => void {
  let done = false
  return () => {
    if (!done) {
      done = true
      f()
    }
  }
}

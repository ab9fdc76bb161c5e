/**
 * Who holds a chDB data directory. chDB opens a directory in one process at a time, and a second
 * process only gets `CHDB_CONNECTION: Failed to create connection`. So the process that opens it
 * writes `<dataDir>/chdb.lock` (pid, command, start time, host) and removes it on close; another
 * process that finds a live holder is told who it is and what to do instead (DW_DATA_DIR_LOCKED).
 * A lock left by a process that died (kill -9, power loss) is stale: its pid is gone, and the next
 * opener takes it over. Within one process the lock is counted, so several stores on one
 * directory (tests, the maintenance commands beside the app) share it.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { DriftwatchError } from '../errors.js'

export interface LockHolder {
  readonly pid: number
  readonly command: string
  readonly startedAt: string
  readonly host: string
}

const held = new Map<string, number>()

export const lockPathOf = (dataDir: string): string => join(dataDir, 'chdb.lock')

function readHolder(path: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>
    return typeof h.pid === 'number' ? { pid: h.pid, command: String(h.command ?? '?'), startedAt: String(h.startedAt ?? '?'), host: String(h.host ?? '?') } : null
  } catch {
    return null
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

/** The command line of this process, as a user would type it. */
function thisCommand(): string {
  const args = process.argv.slice(2).join(' ')
  return `driftwatch ${args}`.replace(/[\r\n]+/g, ' ').slice(0, 200)
}

export function lockDataDir(dataDir: string): () => void {
  const path = lockPathOf(dataDir)
  const count = held.get(path) ?? 0
  if (count > 0) {
    held.set(path, count + 1)
    return once(() => release(path))
  }
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx')
      try {
        const me: LockHolder = { pid: process.pid, command: thisCommand(), startedAt: new Date().toISOString(), host: hostname() }
        writeSync(fd, `${JSON.stringify(me)}\n`)
      } finally {
        closeSync(fd)
      }
      held.set(path, 1)
      return once(() => release(path))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e
    }
    const holder = readHolder(path)
    if (holder && holder.pid !== process.pid && (holder.host !== hostname() || alive(holder.pid))) {
      const where = holder.host === hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on host ${holder.host}`
      throw new DriftwatchError(
        'DW_DATA_DIR_LOCKED',
        `the data directory ${dataDir} is in use by \`${holder.command}\` (${where}, since ${holder.startedAt}), and chDB opens a data directory in one process at a time: ` +
          `send data to that instance's HTTP API, or stop it (kill ${holder.pid}) and run this again, or use a ClickHouse server (CLICKHOUSE_URL) or another DRIFTWATCH_DATA_DIR ` +
          `(if that process is not driftwatch, delete ${path})`,
        { retriable: false, pid: holder.pid, lockFile: path },
      )
    }
    // Stale (its process is gone), ours from an earlier open, or unreadable: take it over.
    try {
      unlinkSync(path)
    } catch {
      // another process took it over first: the retry finds out who
    }
  }
}

function release(path: string): void {
  const count = (held.get(path) ?? 0) - 1
  if (count > 0) {
    held.set(path, count)
    return
  }
  held.delete(path)
  if (readHolder(path)?.pid === process.pid) {
    try {
      unlinkSync(path)
    } catch {
      // already gone
    }
  }
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

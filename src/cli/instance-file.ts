/**
 * How other commands find a running `driftwatch start`: while its HTTP API serves, start keeps
 * `<DRIFTWATCH_DATA_DIR>/driftwatch-instance.json` = { pid, url, port, started_at }. In embedded
 * mode chDB holds the data directory in that one process, so `driftwatch status` asks the running
 * instance's read API instead of opening the directory. A file whose pid is no longer alive
 * (kill -9) is stale and ignored; start replaces it.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface InstanceInfo {
  readonly pid: number
  readonly url: string
  readonly port: number
  readonly started_at: string
}

export const instanceFilePath = (dataDir: string) => join(dataDir, 'driftwatch-instance.json')

export function writeInstanceFile(dataDir: string, info: InstanceInfo): void {
  mkdirSync(dataDir, { recursive: true })
  // Written whole, readable by the owner only: it names a local port, nothing secret.
  writeFileSync(instanceFilePath(dataDir), `${JSON.stringify(info)}\n`, { mode: 0o600 })
}

/** Removes the file if it is still this process's (a newer start may have replaced it). */
export function removeInstanceFile(dataDir: string, pid: number): void {
  if (readInstanceFile(dataDir, () => true)?.pid === pid) rmSync(instanceFilePath(dataDir), { force: true })
}

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The running instance of this data directory, or null (no file, unreadable, or its process is gone). */
export function readInstanceFile(dataDir: string, alive: (pid: number) => boolean = processAlive): InstanceInfo | null {
  let info: Partial<InstanceInfo>
  try {
    info = JSON.parse(readFileSync(instanceFilePath(dataDir), 'utf8')) as Partial<InstanceInfo>
  } catch {
    return null
  }
  if (typeof info.pid !== 'number' || typeof info.url !== 'string' || typeof info.port !== 'number') return null
  return alive(info.pid) ? (info as InstanceInfo) : null
}

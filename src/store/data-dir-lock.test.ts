import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { lockDataDir, lockPathOf } from './data-dir-lock.js'

const holder = (pid: number, host = hostname()) => JSON.stringify({ pid, command: 'driftwatch start', startedAt: '2026-11-29T10:00:00.000Z', host })
const gonePid = () => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString())

describe('lockDataDir', () => {
  it('names the live process that holds the directory (DW_DATA_DIR_LOCKED)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-lock-'))
    // pid 1 is always alive, and is never this process.
    writeFileSync(lockPathOf(dir), holder(1))
    expect(() => lockDataDir(dir)).toThrow(expect.objectContaining({ code: 'DW_DATA_DIR_LOCKED', message: expect.stringMatching(/in use by `driftwatch start` \(pid 1, .*kill 1/) }))
  })

  it('takes over a lock whose process is gone, counts opens in one process, and removes it on the last release', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-lock-'))
    writeFileSync(lockPathOf(dir), holder(gonePid()))
    const first = lockDataDir(dir)
    const second = lockDataDir(dir)
    expect(JSON.parse(readFileSync(lockPathOf(dir), 'utf8')).pid).toBe(process.pid)
    first()
    expect(existsSync(lockPathOf(dir))).toBe(true)
    second()
    expect(existsSync(lockPathOf(dir))).toBe(false)
  })

  it('refuses a lock written by another host, naming the host and the file to delete once that host is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-lock-'))
    // A dead pid: on another host it still holds, since its liveness cannot be seen from here.
    writeFileSync(lockPathOf(dir), holder(gonePid(), 'old-pod-7f9c'))
    let error: unknown
    try {
      lockDataDir(dir)
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ code: 'DW_DATA_DIR_LOCKED', retriable: false })
    const message = (error as Error).message
    expect(message).toContain('on host old-pod-7f9c')
    expect(message).toContain(`if host old-pod-7f9c`)
    expect(message).toContain(`is gone, delete ${lockPathOf(dir)}`)
    expect(message).not.toMatch(/kill \d/)
    expect(JSON.parse(readFileSync(lockPathOf(dir), 'utf8')).host).toBe('old-pod-7f9c')
  })

  it('does not take over a lock file without a holder in it (one being written by a process outside this scheme)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-lock-'))
    writeFileSync(lockPathOf(dir), '')
    expect(() => lockDataDir(dir)).toThrow(expect.objectContaining({ code: 'DW_DATA_DIR_LOCKED', message: expect.stringContaining(`delete ${lockPathOf(dir)}`) }))
    expect(readFileSync(lockPathOf(dir), 'utf8')).toBe('')
  })

  it('finishes a takeover left by a taker that died, and leaves only its own lock', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-lock-'))
    const stale = holder(gonePid())
    writeFileSync(lockPathOf(dir), stale)
    const claim = `${lockPathOf(dir)}.takeover-${createHash('sha256').update(stale).digest('hex').slice(0, 16)}`
    writeFileSync(claim, JSON.stringify({ pid: gonePid(), host: hostname() }))
    const release = lockDataDir(dir)
    expect(JSON.parse(readFileSync(lockPathOf(dir), 'utf8')).pid).toBe(process.pid)
    expect(readdirSync(dir)).toEqual(['chdb.lock'])
    release()
    expect(readdirSync(dir)).toEqual([])
  })

  it('on release leaves a lock that is no longer its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-lock-'))
    const release = lockDataDir(dir)
    // Deleted by hand and taken by another process.
    writeFileSync(lockPathOf(dir), holder(1))
    release()
    expect(JSON.parse(readFileSync(lockPathOf(dir), 'utf8')).pid).toBe(1)
  })
})

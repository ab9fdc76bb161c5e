import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { lockDataDir, lockPathOf } from './data-dir-lock.js'

const holder = (pid: number) => JSON.stringify({ pid, command: 'driftwatch start', startedAt: '2026-11-29T10:00:00.000Z', host: hostname() })

describe('lockDataDir', () => {
  it('names the live process that holds the directory (DW_DATA_DIR_LOCKED)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-lock-'))
    // pid 1 is always alive, and is never this process.
    writeFileSync(lockPathOf(dir), holder(1))
    expect(() => lockDataDir(dir)).toThrow(expect.objectContaining({ code: 'DW_DATA_DIR_LOCKED', message: expect.stringMatching(/in use by `driftwatch start` \(pid 1, .*kill 1/) }))
  })

  it('takes over a lock whose process is gone, counts opens in one process, and removes it on the last release', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-lock-'))
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString()
    writeFileSync(lockPathOf(dir), holder(Number(gone)))
    const first = lockDataDir(dir)
    const second = lockDataDir(dir)
    expect(JSON.parse(readFileSync(lockPathOf(dir), 'utf8')).pid).toBe(process.pid)
    first()
    expect(existsSync(lockPathOf(dir))).toBe(true)
    second()
    expect(existsSync(lockPathOf(dir))).toBe(false)
  })
})

import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { instanceFilePath, readInstanceFile, removeInstanceFile, writeInstanceFile } from './instance-file.js'

const dirs: string[] = []
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'dw-instance-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const info = (pid: number) => ({ pid, url: 'http://127.0.0.1:5000', port: 5000, started_at: '2026-11-29T00:00:00.000Z' })

describe('the instance file', () => {
  it('names the running instance', () => {
    const d = dir()
    writeInstanceFile(d, info(process.pid))
    expect(readInstanceFile(d)).toEqual(info(process.pid))
  })

  it('is ignored when its process is gone (kill -9 leaves it behind)', () => {
    const d = dir()
    const exited = spawnSync(process.execPath, ['-e', '0']).pid!
    writeInstanceFile(d, info(exited))
    expect(readInstanceFile(d)).toBeNull()
  })

  it('is ignored when missing or not ours', () => {
    const d = dir()
    expect(readInstanceFile(d)).toBeNull()
    writeFileSync(instanceFilePath(d), '{"pid":"x"}')
    expect(readInstanceFile(d)).toBeNull()
    writeFileSync(instanceFilePath(d), 'not json')
    expect(readInstanceFile(d)).toBeNull()
  })

  it('is removed only by the process it names (a newer start may have replaced it)', () => {
    const d = dir()
    writeInstanceFile(d, info(process.pid))
    removeInstanceFile(d, process.pid + 1)
    expect(existsSync(instanceFilePath(d))).toBe(true)
    removeInstanceFile(d, process.pid)
    expect(existsSync(instanceFilePath(d))).toBe(false)
  })
})

/**
 * `npx driftwatch start` is the README's way to run the service. npm runs the command through
 * `sh -c` and passes no SIGTERM on, so a supervisor that stops the npx process it started left
 * driftwatch running, holding its port and its data directory (the next start failed with
 * DW_DATA_DIR_LOCKED). Here the real npx starts the real bin, npx alone is sent SIGTERM, and the
 * driftwatch process below it must stop gracefully and let go of the directory.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { waitFor } from './support/wait.js'

const ROOT = join(import.meta.dirname, '..')
const dir = mkdtempSync(join(tmpdir(), 'dw-npx-'))
let started = 0
afterAll(() => {
  // A driftwatch left running (the claim failed) is stopped, so it holds no port after the test.
  if (started > 0 && alive(started)) process.kill(started, 'SIGTERM')
  rmSync(dir, { recursive: true, force: true })
})

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('driftwatch start run through npx', () => {
  it('stops, as on SIGTERM, when the npx process that started it is stopped', { timeout: 120_000 }, async () => {
    const port = await freePort()
    const env = { PATH: process.env['PATH'], HOME: process.env['HOME'], DRIFTWATCH_DATA_DIR: join(dir, 'data'), DRIFTWATCH_HTTP_PORT: String(port), DRIFTWATCH_LOG_LEVEL: 'info' }
    // Its own process group, so the signal reaches npx only, as a supervisor's kill of one pid does.
    const npx = spawn('npx', ['--no-install', 'driftwatch', 'start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let log = ''
    npx.stdout.on('data', (d: Buffer) => (log += String(d)))
    npx.stderr.on('data', (d: Buffer) => (log += String(d)))
    await waitFor(async () => log, (l) => l.includes('driftwatch running'), { timeoutMs: 90_000, what: 'driftwatch start under npx' })
    const lock = join(dir, 'data', 'chdb.lock')
    const pid = (started = Number(JSON.parse(readFileSync(lock, 'utf8')).pid))
    expect(pid).not.toBe(npx.pid)

    process.kill(npx.pid!, 'SIGTERM')
    await waitFor(async () => alive(pid), (a) => !a, { timeoutMs: 60_000, what: 'driftwatch to stop' })
    expect(log).toMatch(/"signal":"parent exited","msg":"stopping"/)
    expect(existsSync(lock)).toBe(false)
  })
})

/**
 * The chDB data-directory lock (src/store/data-dir-lock.ts) between real processes: two processes
 * start `lockDataDir` on the same directory at the same instant, many times, and exactly one
 * holds it each time while the other gets DW_DATA_DIR_LOCKED, on a fresh directory and on one
 * whose lock was left by a process that died. The racers are long-lived child processes driven
 * over IPC, so each race costs milliseconds rather than a process start.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const LOCK_MODULE = pathToFileURL(join(import.meta.dirname, '..', 'src', 'store', 'data-dir-lock.ts')).href
const RACES = 40
const root = mkdtempSync(join(tmpdir(), 'dw-lock-race-'))

// A racer: on {dir, at} it spins until the wall clock reaches `at`, takes the lock, reports, and
// holds it until told to release.
const RACER = `
import { lockDataDir } from ${JSON.stringify(LOCK_MODULE)}
let release = null
process.on('message', (m) => {
  if (m.type === 'race') {
    while (Date.now() < m.at) {}
    try {
      release = lockDataDir(m.dir)
      process.send({ pid: process.pid, got: true })
    } catch (e) {
      process.send({ pid: process.pid, got: false, code: e.code ?? null, message: String(e.message ?? e) })
    }
  } else if (m.type === 'release') {
    release?.()
    release = null
    process.send({ pid: process.pid, released: true })
  } else if (m.type === 'exit') {
    process.exit(0)
  }
})
process.send({ ready: true })
`

interface Report {
  readonly pid: number
  readonly got?: boolean
  readonly code?: string | null
  readonly message?: string
}

const racers: ChildProcess[] = []
const next = (child: ChildProcess): Promise<Report> => new Promise((resolve) => child.once('message', (m) => resolve(m as Report)))

beforeAll(async () => {
  const script = join(root, 'racer.mjs')
  writeFileSync(script, RACER)
  for (let i = 0; i < 2; i++) {
    const child = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    racers.push(child)
  }
  await Promise.all(racers.map(next))
}, 60_000)

afterAll(() => {
  for (const child of racers) child.kill()
  rmSync(root, { recursive: true, force: true })
})

/** Runs one race on `dir`; returns the reports of both racers after both released. */
async function race(dir: string): Promise<Report[]> {
  const at = Date.now() + 30
  const reports = await Promise.all(racers.map((child) => {
    const reported = next(child)
    child.send({ type: 'race', dir, at })
    return reported
  }))
  await Promise.all(racers.map((child) => {
    const released = next(child)
    child.send({ type: 'release' })
    return released
  }))
  return reports
}

function expectOneHolder(reports: Report[], i: number): void {
  const holders = reports.filter((r) => r.got)
  const losers = reports.filter((r) => !r.got)
  expect(holders.length, `race ${i}: ${JSON.stringify(reports)}`).toBe(1)
  expect(losers.map((r) => r.code), `race ${i}: ${JSON.stringify(reports)}`).toEqual(['DW_DATA_DIR_LOCKED'])
  expect(losers[0]!.message).toMatch(new RegExp(`pid ${holders[0]!.pid}\\b`))
}

describe('the data-directory lock between processes', () => {
  it(`gives a fresh directory to exactly one of two racing processes (${RACES} races)`, async () => {
    for (let i = 0; i < RACES; i++) {
      const dir = mkdtempSync(join(root, 'fresh-'))
      expectOneHolder(await race(dir), i)
      expect(existsSync(join(dir, 'chdb.lock'))).toBe(false)
      expect(readdirSync(dir)).toEqual([])
    }
  }, 60_000)

  it(`gives a directory whose holder died to exactly one of two racing processes (${RACES} races)`, async () => {
    const gone = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString())
    for (let i = 0; i < RACES; i++) {
      const dir = mkdtempSync(join(root, 'stale-'))
      writeFileSync(join(dir, 'chdb.lock'), `${JSON.stringify({ pid: gone, command: 'driftwatch start', startedAt: new Date(Date.now() - i).toISOString(), host: hostname() })}\n`)
      expectOneHolder(await race(dir), i)
      expect(readdirSync(dir)).toEqual([])
    }
  }, 60_000)

  it('leaves the lock naming the holder while it holds', async () => {
    const dir = mkdtempSync(join(root, 'holder-'))
    const at = Date.now() + 10
    const reported = next(racers[0]!)
    racers[0]!.send({ type: 'race', dir, at })
    const report = await reported
    expect(report.got).toBe(true)
    expect(JSON.parse(readFileSync(join(dir, 'chdb.lock'), 'utf8'))).toMatchObject({ pid: report.pid, host: hostname() })
    const released = next(racers[0]!)
    racers[0]!.send({ type: 'release' })
    await released
    expect(existsSync(join(dir, 'chdb.lock'))).toBe(false)
  })
})

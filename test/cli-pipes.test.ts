/**
 * The real `driftwatch` CLI with its output piped into a reader that stops early, as in
 * `driftwatch status | head -1`: the command exits 0 with nothing on stderr but its own lines
 * (no EPIPE stack trace), finishes the work it still had after printing (demo stores and writes
 * its files, recompute evaluates the windows it marked, erase deletes), and releases the data
 * directory's lock. Each command runs in bash as a user types it, through a real pipe.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const SOURCES = ['--import', 'tsx', join(import.meta.dirname, '..', 'src', 'cli', 'main.ts')]
const dir = mkdtempSync(join(tmpdir(), 'dw-cli-pipes-'))
const dataDir = join(dir, 'data')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const base = { PATH: process.env['PATH'], HOME: process.env['HOME'], DRIFTWATCH_LOG_LEVEL: 'warn', DRIFTWATCH_DATA_DIR: dataDir }
/** An embedded-mode user with nothing from the test runner's Kafka settings, running the demo. */
const demoEnv: NodeJS.ProcessEnv = { ...base, DRIFTWATCH_LOG_LEVEL: 'error', CLICKHOUSE_DATABASE: 'driftwatch' }
/** The same user on the demo's data, as the demo says to look at it. */
const env: NodeJS.ProcessEnv = { ...base, DRIFTWATCH_CONFIG: join(dataDir, 'demo', 'driftwatch.yaml'), CLICKHOUSE_DATABASE: 'driftwatch_demo' }

interface Piped {
  /** driftwatch's own exit code (bash's PIPESTATUS[0]), not the reader's. */
  readonly code: number | null
  /** What the reader printed. */
  readonly read: string
  readonly stderr: string
}

/**
 * `driftwatch <args> | head -n <lines>` in bash. `head -n 0` exits at once, so every write of
 * driftwatch meets a closed pipe; `head -n 1` closes it after the first line.
 */
function piped(args: readonly string[], lines: 0 | 1, runEnv = env): Promise<Piped> {
  return new Promise((resolve, reject) => {
    const script = `"$@" | head -n ${lines}; exit \${PIPESTATUS[0]}`
    const child = spawn('bash', ['-c', script, 'bash', process.execPath, ...SOURCES, ...args], { env: runEnv, stdio: ['ignore', 'pipe', 'pipe'] })
    let read = ''
    let stderr = ''
    child.stdout.on('data', (d) => (read += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`driftwatch ${args.join(' ')} | head did not finish; stderr: ${stderr}`))
    }, 170_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, read, stderr })
    })
  })
}

/** The same command with its whole output read. */
async function full(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...SOURCES, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Exit 0, no error on stderr, the lock file gone. */
function expectQuietEnd(run: Piped, what: string): void {
  expect({ what, code: run.code }, run.stderr).toEqual({ what, code: 0 })
  expect(run.stderr, what).not.toMatch(/EPIPE|Unhandled|Error|driftwatch: |\n\s+at /)
  expect(existsSync(join(dataDir, 'chdb.lock')), `${what}: chdb.lock left behind`).toBe(false)
}

const DAY_MS = 86_400_000
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)

describe('driftwatch output piped into a reader that stops early (| head)', () => {
  it('demo | head -1 finishes the demo: its data is stored and its files are written', { timeout: 180_000 }, async () => {
    const run = await piped(['demo', '--days', '10', '--per-day', '100'], 1, demoEnv)
    expect(run.read).toMatch(/^driftwatch demo: embedded mode/)
    // Progress lines on stderr are the demo's own.
    expect(run.stderr.split('\n').filter((l) => l !== '' && !/^publishing (predictions|labels): /.test(l))).toEqual([])
    expectQuietEnd(run, 'demo')
    expect(existsSync(join(dataDir, 'demo', 'driftwatch.yaml'))).toBe(true)
  })

  it('status, status --json, alerts list, config schema and erase --dry-run | head -0: exit 0, nothing on stderr', { timeout: 180_000 }, async () => {
    for (const args of [['status'], ['status', '--json'], ['alerts', 'list', '--all'], ['config', 'schema'], ['erase', '--subject', 'applicant-0-0', '--dry-run']]) {
      const run = await piped(args, 0)
      expectQuietEnd(run, args.join(' '))
      expect(run.stderr, args.join(' ')).toBe('')
    }
  })

  it('recompute | head -0 still evaluates the windows it marked after its first line met the closed pipe', { timeout: 180_000 }, async () => {
    // The demo's traffic starts 21 days before today (10 days, ending 11 days ago).
    const fromMs = Math.floor(Date.now() / DAY_MS) * DAY_MS - 21 * DAY_MS
    const startedMs = Date.now()
    const run = await piped(['recompute', '--model', 'loan-approval', '--from', day(fromMs), '--to', day(fromMs + 2 * DAY_MS)], 0)
    const status = await full(['status', '--json', '--windows', '30'])
    expect(status.code, status.stderr).toBe(0)
    const windows = (JSON.parse(status.stdout) as { models: { windows: { window_start: string; evaluated_at: string }[] }[] }).models[0]!.windows
    const recomputed = windows.filter((w) => Date.parse(w.window_start) >= fromMs && Date.parse(w.window_start) < fromMs + 2 * DAY_MS)
    expect(recomputed.length).toBeGreaterThan(0)
    for (const w of recomputed) expect(Date.parse(w.evaluated_at), `${w.window_start} evaluated again`).toBeGreaterThanOrEqual(startedMs)
    expectQuietEnd(run, 'recompute')
    // Its progress (stderr) goes on to the last window after stdout's reader has gone.
    expect(run.stderr).toMatch(/^(evaluating windows: \d+\/\d+ \(\d+%\)\n)*evaluating windows: (\d+)\/\2 \(100%\)\n$/)
  })

  it('erase | head -0 deletes the subject', { timeout: 180_000 }, async () => {
    const before = await full(['erase', '--subject', 'applicant-3-7', '--dry-run'])
    expect(before.stdout).toMatch(/^dry run: subject with 1 prediction id\(s\)/)
    const run = await piped(['erase', '--subject', 'applicant-3-7'], 0)
    expectQuietEnd(run, 'erase')
    const after = await full(['erase', '--subject', 'applicant-3-7', '--dry-run'])
    expect(after.stdout).toMatch(/^dry run: subject with 0 prediction id\(s\)/)
  })
})

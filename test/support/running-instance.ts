/**
 * `driftwatch` commands as a user runs them, in real processes, and a `driftwatch start` that holds
 * an embedded data directory and serves its HTTP API on an ephemeral port with a read and an
 * ingest token (API_TOKENS), found through its instance file as the other commands find it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll } from 'vitest'
import { readInstanceFile, type InstanceInfo } from '../../src/cli/instance-file.js'
import { waitFor } from './wait.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** DRIFTWATCH_API_TOKENS of a started instance: a read token, and INGEST_TOKEN to send events. */
export const API_TOKENS = 'read:read-token-0123456789ab,ingest:ingest-token-0123456789'
export const INGEST_TOKEN = 'ingest-token-0123456789'

export interface CliProcess {
  readonly child: ChildProcess
  /** The exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>
  stdout(): string
  stderr(): string
}

export interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Spawns bin/driftwatch.js with `args` from the repository root, with PATH, HOME, info logs and `env` only. */
export function spawnCli(args: string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, ['bin/driftwatch.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', DRIFTWATCH_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, exited, stdout: () => stdout, stderr: () => stderr }
}

/** Runs a command to its end: its exit code and output. */
export async function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const c = spawnCli(args, env)
  const code = await c.exited
  return { code, stdout: c.stdout(), stderr: c.stderr() }
}

export interface StartedInstance extends CliProcess {
  /** The instance file, once start serves its API; fails after 90 s with start's output so far. */
  ready(): Promise<InstanceInfo>
}

/**
 * Spawns `driftwatch start` with `env` (its data directory in DRIFTWATCH_DATA_DIR) on an ephemeral
 * HTTP port with API_TOKENS. The caller kills it: it is returned before it serves, so that an
 * afterAll can kill it whether or not it ever does.
 */
export function startInstance(env: Record<string, string> & { DRIFTWATCH_DATA_DIR: string }): StartedInstance {
  const start = spawnCli(['start'], { ...env, DRIFTWATCH_HTTP_PORT: '0', DRIFTWATCH_API_TOKENS: API_TOKENS })
  const ready = async () => {
    try {
      return (await waitFor(async () => readInstanceFile(env.DRIFTWATCH_DATA_DIR), (i) => i !== null, { timeoutMs: 90_000, what: 'the instance file' }))!
    } catch (e) {
      // What start printed by then, which the message of the wait cannot know when it begins.
      throw new Error(`${(e as Error).message}; exit code ${start.child.exitCode}, signal ${start.child.signalCode}; output: ${start.stderr()}${start.stdout()}`, { cause: e })
    }
  }
  return { ...start, ready }
}

export interface InstanceDirectory {
  readonly dataDir: string
  /** Where the block writes its driftwatch.yaml. */
  readonly configFile: string
  /** The environment of every command on the directory. */
  readonly base: { DRIFTWATCH_DATA_DIR: string; DRIFTWATCH_CONFIG: string; CLICKHOUSE_DATABASE: string }
  /** Spawns `driftwatch start` on the directory (startInstance). */
  start(): StartedInstance
}

/**
 * An embedded data directory of its own for a describe block, on the ClickHouse database
 * `database`. After the block's tests the start on it is killed (if it still runs) and the
 * directory removed.
 */
export function instanceDirectory(prefix: string, database: string): InstanceDirectory {
  const dataDir = mkdtempSync(join(tmpdir(), prefix))
  const configFile = join(dataDir, 'driftwatch.yaml')
  const base = { DRIFTWATCH_DATA_DIR: dataDir, DRIFTWATCH_CONFIG: configFile, CLICKHOUSE_DATABASE: database }
  let started: StartedInstance | undefined
  afterAll(() => {
    started?.child.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })
  return { dataDir, configFile, base, start: () => (started = startInstance(base)) }
}

/** POSTs `body` as JSON to `path` of the instance's API with INGEST_TOKEN: the answer's JSON. */
export async function ingest(instance: InstanceInfo, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${instance.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` }, body: JSON.stringify(body) })
  return res.json()
}

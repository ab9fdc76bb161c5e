/**
 * Steps with time limits, for long tests that drive child processes. Every wait has a budget and
 * fails with the step's name and the last value it saw, so a stuck step reports itself before the
 * test's own timeout cuts in with nothing to show. Progress goes to stderr, one line per step and
 * one every PROGRESS_EVERY_MS inside a wait:
 *   [<tag>] +<s>s <step>: <what>
 */
import { execFile, type ChildProcess, type ExecFileException } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync, writeFileSync } from 'node:fs'
import { promisify } from 'node:util'

const PROGRESS_EVERY_MS = 15_000
/** How long after its budget a helper killed with SIGKILL may take to be reaped. */
export const HELPER_REAP_MS = 2_000

/** The last `chars` characters of a log file, or why there are none. */
export function fileTail(path: string, chars = 2_000): string {
  try {
    return readFileSync(path, 'utf8').slice(-chars) || '(empty)'
  } catch (e) {
    return `(unreadable: ${(e as Error).message})`
  }
}

/** How a child process ended, or null while it runs. A killed child has a signalCode and no exitCode. */
export function howExited(proc: ChildProcess): string | null {
  if (proc.signalCode !== null) return `signal ${proc.signalCode}`
  return proc.exitCode !== null ? `code ${proc.exitCode}` : null
}

export interface ScriptRun {
  readonly env: NodeJS.ProcessEnv
  readonly cwd: string
  /** The script's stderr is written here, whatever the outcome. */
  readonly stderrFile: string
}

export function boundedSteps(tag: string) {
  const t0 = Date.now()
  const say = (step: string, what: string) => {
    process.stderr.write(`[${tag}] +${Math.round((Date.now() - t0) / 1000)}s ${step}: ${what}\n`)
  }

  /** `work`, or an error naming the step (and `lastSeen()`) once budgetMs has passed. */
  async function within<T>(step: string, budgetMs: number, work: Promise<T>, lastSeen?: () => string): Promise<T> {
    const started = Date.now()
    const seen = () => (lastSeen ? `; last observed: ${lastSeen()}` : '')
    let timer: NodeJS.Timeout | undefined
    let ticker: NodeJS.Timeout | undefined
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${step}: not done within ${budgetMs / 1000} s${seen()}`)), budgetMs)
      ticker = setInterval(() => say(step, `waiting, ${Math.round((Date.now() - started) / 1000)} s of ${budgetMs / 1000} s${seen()}`), PROGRESS_EVERY_MS)
    })
    try {
      return await Promise.race([work, expired])
    } finally {
      clearTimeout(timer)
      clearInterval(ticker)
    }
  }

  /** Polls `probe` until `done` accepts its value; a probe that throws ends the wait with its error. */
  async function waitUntil<T>(
    step: string, budgetMs: number, probe: () => Promise<T>, done: (v: T) => boolean,
    { intervalMs = 250, show = (v: T) => JSON.stringify(v) }: { intervalMs?: number; show?: (v: T) => string } = {},
  ): Promise<T> {
    let last: { value: T } | null = null
    let over = false
    const poll = async (): Promise<T> => {
      for (;;) {
        try {
          last = { value: await probe() }
        } catch (cause) {
          throw new Error(`${step}: ${(cause as Error).message}`, { cause })
        }
        if (done(last.value) || over) return last.value
        await new Promise((r) => setTimeout(r, intervalMs))
      }
    }
    try {
      return await within(step, budgetMs, poll(), () => (last ? show(last.value) : 'no value yet'))
    } finally {
      over = true // stops the poll loop left behind by a timeout
    }
  }

  /** Waits for `proc` to exit; returns at once when it already has ('exit' fired before we listened). */
  async function exited(step: string, budgetMs: number, proc: ChildProcess): Promise<string> {
    if (howExited(proc) === null) await within(step, budgetMs, once(proc, 'exit'))
    const how = howExited(proc)!
    say(step, `pid ${proc.pid} exited (${how})`)
    return how
  }

  /**
   * Runs a TypeScript helper as `node --import tsx script args…`: one process, so the SIGKILL sent
   * when the budget runs out reaches the helper itself (tsx's CLI would leave its child running,
   * holding whatever the helper opened). Returns its stdout.
   */
  async function runScript(step: string, budgetMs: number, script: string, args: readonly string[], run: ScriptRun): Promise<string> {
    say(step, 'helper started')
    const started = Date.now()
    const running = promisify(execFile)(process.execPath, ['--import', 'tsx', script, ...args], {
      env: run.env, cwd: run.cwd, timeout: budgetMs, killSignal: 'SIGKILL', maxBuffer: 1 << 20,
    })
    try {
      const { stdout, stderr } = await within(step, budgetMs + HELPER_REAP_MS, running)
      writeFileSync(run.stderrFile, stderr)
      say(step, `helper done in ${Math.round((Date.now() - started) / 1000)} s`)
      return stdout
    } catch (e) {
      const failure = e as ExecFileException & { stderr?: string }
      if (failure.stderr === undefined) throw e // within's own timeout: the helper was not reaped
      writeFileSync(run.stderrFile, failure.stderr)
      const why = failure.killed ? `not done within ${budgetMs / 1000} s, killed with ${failure.signal}` : (failure.message.split('\n')[0] ?? '')
      throw new Error(`${step}: helper failed: ${why}; stderr (${run.stderrFile}): ${failure.stderr.slice(-2_000) || '(empty)'}`, { cause: e })
    }
  }

  return { say, within, waitUntil, exited, runScript }
}

/**
 * The windows whose evaluation failed for a reason a retry as such will not fix
 * (./window-failure.ts), each with its attempts and the time of its next one, for the evaluator
 * (./evaluator.ts). Such a window is marked again at each failure (a mark of reason 'retry'), so
 * it stays due in ClickHouse, for this evaluator and for the next leader, and is tried again
 * once its delay has passed: the evaluation interval, doubling with each failed attempt, at
 * most MAX_RETRY_DELAY_MS. A success forgets it. Until then its newest mark must stay within
 * what the next pass reads (due.ts: marks newer than the cursor less MARK_OVERLAP_MS), so a
 * waiting window is marked again before the cursor leaves its newest mark behind (needsNewMark).
 *
 * In memory: a restarted or newly elected evaluator tries every such window once at once, then
 * backs off anew. Pure.
 */
import { MARK_OVERLAP_MS, type DueWindow } from './due.js'

export const MAX_RETRY_DELAY_MS = 10 * 60_000

export interface Failure {
  readonly attempts: number
  readonly retryAtMs: number
}

export const windowKey = (w: Pick<DueWindow, 'modelId' | 'modelVersion' | 'startMs'>) => `${w.modelId}\u0000${w.modelVersion}\u0000${w.startMs}`

/** The delay after the `attempts`-th failed attempt in a row (1, 2, ...). */
export const retryDelayMs = (attempts: number, baseMs: number, maxMs = MAX_RETRY_DELAY_MS) => Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30))

/**
 * Whether a waiting window must be marked again in this pass: its newest mark is at most half
 * the overlap newer than where the cursor stands after the pass (the larger of the stored cursor
 * and the newest mark this pass read), so the next pass might no longer read it.
 */
export const needsNewMark = (lastMarkMs: number, cursorAfterPassMs: number) => lastMarkMs <= cursorAfterPassMs - MARK_OVERLAP_MS / 2

export class FailedWindows {
  private readonly failures = new Map<string, Failure>()
  /** Windows whose last attempt a resource limit stopped (./window-failure.ts exceededLimit). */
  private readonly limited = new Set<string>()

  /** `baseDelayMs`: the delay after a first failure (the evaluation interval). */
  constructor(private readonly baseDelayMs: number, private readonly maxDelayMs = MAX_RETRY_DELAY_MS) {}

  /** Records a failed attempt at `nowMs`; returns the window's attempts and next retry time. */
  failed(key: string, nowMs: number): Failure {
    const attempts = (this.failures.get(key)?.attempts ?? 0) + 1
    const failure = { attempts, retryAtMs: nowMs + retryDelayMs(attempts, this.baseDelayMs, this.maxDelayMs) }
    this.failures.set(key, failure)
    return failure
  }

  succeeded(key: string): void {
    this.failures.delete(key)
    this.limited.delete(key)
  }

  /**
   * Records that a resource limit stopped the window's evaluation; returns whether one stopped
   * its previous attempt too (and no success came between): then the limit is the window's own,
   * not a moment of load, and the window is set aside like any failure a retry will not fix.
   */
  overLimit(key: string): boolean {
    if (this.limited.has(key)) return true
    this.limited.add(key)
    return false
  }

  /** Whether the window failed and its retry time has not come yet. */
  waiting(key: string, nowMs: number): boolean {
    const f = this.failures.get(key)
    return f !== undefined && nowMs < f.retryAtMs
  }

  get size(): number {
    return this.failures.size
  }
}

/**
 * A pass run again and again on a timer: the evaluator's evaluation and the alert service's.
 *
 * - Passes never overlap: runNow() queues behind the pass in progress.
 * - start() runs the first pass on the next tick, then `everyMs` after each pass ends. In a
 *   consumer group start() runs on every election, and membership may change more often than the
 *   interval (an instance restarting in a loop): a first pass an interval away would never come.
 * - Every start() and stop() begins a new generation: a loop from an earlier one schedules no
 *   more passes once its pass ends, even when start() came again before that, so one loop runs.
 * - A pass's failure goes to `failed` and the loop goes on at the next interval.
 */
export class PassLoop<R> {
  private running: Promise<unknown> = Promise.resolve()
  private timer: NodeJS.Timeout | null = null
  private generation = 0

  constructor(
    private readonly pass: () => Promise<R>,
    private readonly failed: (err: unknown) => void,
  ) {}

  /** Runs a pass now, after any pass in progress. */
  runNow(): Promise<R> {
    const next = this.running.catch(() => undefined).then(() => this.pass())
    this.running = next
    return next
  }

  start(everyMs: number): void {
    const generation = this.cancel()
    const loop = () => {
      this.runNow()
        .catch(this.failed)
        .finally(() => {
          if (generation === this.generation) this.timer = setTimeout(loop, everyMs)
        })
    }
    this.timer = setTimeout(loop, 0)
  }

  /** Ends the loop (no further pass is scheduled) without waiting for the pass in progress. */
  cancel(): number {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    return ++this.generation
  }

  /** Ends the loop and resolves once the pass in progress, if any, has ended. */
  async stop(): Promise<void> {
    this.cancel()
    await this.running.catch(() => undefined)
  }
}

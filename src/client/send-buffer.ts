/**
 * The producer client's buffer: bounded, retried, never silently emptied.
 *
 * - `push` appends an item or, when `maxBuffered` items are waiting, throws DW_BUFFER_FULL at the
 *   call (and counts it): the caller decides whether to drop, wait or fail its own request.
 * - One sender loop sends the oldest `batchSize` items at a time and removes them only once
 *   `send` resolves (the broker acknowledged them). A failed send leaves them at the head of the
 *   buffer and is retried after a capped, full-jitter exponential backoff (src/pipeline/backoff.ts),
 *   for as long as it takes; every failure is reported through `onError`. `onError` is the
 *   caller's code: whatever it throws is swallowed, so the retries go on and no promise of the
 *   buffer rejects unhandled.
 * - `send` may resolve with the number of the batch's items it gave up on for good (the broker
 *   refused them on their own, and `send` reported each one): they leave the buffer with the
 *   batch and are counted as `dropped`, never as `sent`.
 * - `drain(timeoutMs)` resolves once every item pushed before it was acknowledged or dropped, or
 *   rejects after `timeoutMs` with DW_KAFKA_UNAVAILABLE: the items stay buffered and are still retried.
 * - `stop(waitMs)` ends the sender loop and waits (at most `waitMs`) for the send in flight to
 *   settle, then tells apart the items never sent or whose send failed (`unsent`) from those of a
 *   send still unanswered (`inFlight`: Kafka may have stored them).
 *
 * I/O (send, timers, randomness) is injected, so the policy is tested without a broker.
 */
import { DriftwatchError } from '../errors.js'
import { backoffDelayMs, type BackoffPolicy } from '../pipeline/backoff.js'

export interface SendBufferOptions<T> {
  /**
   * Resolves once the batch is durable (acknowledged), with the number of its items that were
   * refused for good and reported instead (default 0); rejects to have it retried.
   */
  readonly send: (batch: readonly T[]) => Promise<number | void>
  readonly batchSize: number
  readonly maxBuffered: number
  readonly backoff: BackoffPolicy
  readonly random: () => number
  readonly onError: (error: unknown) => void
}

export interface SendBufferStats {
  /** Items waiting to be acknowledged. */
  readonly buffered: number
  /** Items acknowledged by the broker. */
  readonly sent: number
  /** Items the broker refused on their own, each reported by `send`: not retried, not sent. */
  readonly dropped: number
  /** Failed send attempts (each one retried). */
  readonly failedSends: number
  /** Items refused at push because the buffer was full (DW_BUFFER_FULL). */
  readonly rejected: number
}

/** What a stopped buffer still holds, oldest first. */
export interface StoppedBuffer<T> {
  /** Items whose send failed or never started: not delivered. */
  readonly unsent: readonly T[]
  /** Items of a send still unanswered when `stop` stopped waiting: Kafka may have stored them. */
  readonly inFlight: readonly T[]
}

interface Waiter {
  readonly target: number
  readonly resolve: () => void
}

export class SendBuffer<T> {
  private readonly items: T[] = []
  /** Items ever pushed, ever acknowledged, ever dropped: `acked + dropped` never passes `pushed`. */
  private pushed = 0
  private acked = 0
  private dropped = 0
  private failedSends = 0
  private rejected = 0
  private sending: Promise<void> | null = null
  /** Length of the batch whose send is under way (0 between sends): the head of `items`. */
  private inFlight = 0
  private stopped = false
  private lastError: unknown = null
  private wake: (() => void) | null = null
  private waiters: Waiter[] = []

  constructor(private readonly o: SendBufferOptions<T>) {}

  get size(): number {
    return this.items.length
  }

  /** Items that left the buffer: acknowledged or dropped. */
  private get settled(): number {
    return this.acked + this.dropped
  }

  stats(): SendBufferStats {
    return { buffered: this.items.length, sent: this.acked, dropped: this.dropped, failedSends: this.failedSends, rejected: this.rejected }
  }

  push(item: T): void {
    if (this.items.length >= this.o.maxBuffered) {
      this.rejected++
      throw new DriftwatchError(
        'DW_BUFFER_FULL',
        `the prediction logger holds ${this.items.length} unsent events (maxBufferedEvents); this event was not accepted` +
          (this.lastError ? `; the broker keeps failing: ${(this.lastError as Error).message}` : ''),
        { retriable: true, buffered: this.items.length },
      )
    }
    this.items.push(item)
    this.pushed++
    if (this.items.length >= this.o.batchSize) this.pump()
  }

  /** Starts sending what is buffered (no-op while a send or its backoff is under way). */
  pump(): void {
    if (this.sending || this.stopped || this.items.length === 0) return
    // loop() reports what it throws itself; this catch is the last guard against an unhandled
    // rejection (a bug below would otherwise end the caller's process), and a later pump retries.
    this.sending = this.loop()
      .catch((e) => this.report(e))
      .finally(() => {
        this.sending = null
      })
  }

  /** Calls the caller's `onError`; what it throws must not stop the sending nor escape. */
  private report(error: unknown): void {
    try {
      this.o.onError(error)
    } catch {
      // The caller's handler failed: the failure stays counted (failedSends, lastError) and retried.
    }
  }

  /**
   * Resolves when every item pushed so far is acknowledged or dropped; rejects after `timeoutMs`
   * (the items stay buffered and keep being retried).
   */
  async drain(timeoutMs: number): Promise<void> {
    const target = this.pushed
    if (this.settled >= target) return
    // A retry waiting out its backoff goes now: someone is waiting for it.
    this.wake?.()
    this.pump()
    let timer: NodeJS.Timeout | undefined
    let waiter: Waiter | undefined
    try {
      await Promise.race([
        new Promise<void>((resolve) => {
          waiter = { target, resolve }
          this.waiters.push(waiter)
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const last = this.lastError ? `; last error: ${(this.lastError as Error).message}` : ''
            reject(
              new DriftwatchError('DW_KAFKA_UNAVAILABLE', `${target - this.settled} event(s) not acknowledged by Kafka within ${timeoutMs} ms; they stay buffered and are retried${last}`, {
                retriable: true,
                cause: this.lastError ?? undefined,
                buffered: this.items.length,
              }),
            )
          }, timeoutMs)
        }),
      ])
    } finally {
      clearTimeout(timer)
      this.waiters = this.waiters.filter((w) => w !== waiter)
    }
  }

  /**
   * Stops the sender loop (a retry waiting out its backoff does not go) and waits up to `waitMs`
   * for the send in flight to settle; then says which items were not delivered and which were in a
   * send still unanswered. Nothing is retried after this.
   */
  async stop(waitMs = 0): Promise<StoppedBuffer<T>> {
    this.stopped = true
    this.wake?.()
    if (this.sending && waitMs > 0) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([this.sending, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))])
      clearTimeout(timer)
    }
    return { inFlight: this.items.slice(0, this.inFlight), unsent: this.items.slice(this.inFlight) }
  }

  private async loop(): Promise<void> {
    let attempt = 0
    while (!this.stopped && this.items.length > 0) {
      const batch = this.items.slice(0, this.o.batchSize)
      let dropped: number
      this.inFlight = batch.length
      try {
        dropped = (await this.o.send(batch)) ?? 0
      } catch (e) {
        this.inFlight = 0
        this.failedSends++
        this.lastError = e
        this.report(e)
        if (this.stopped) break
        await this.sleep(backoffDelayMs(attempt++, this.o.backoff, this.o.random))
        continue
      }
      this.inFlight = 0
      this.items.splice(0, batch.length)
      this.acked += batch.length - dropped
      this.dropped += dropped
      this.lastError = null
      attempt = 0
      for (const w of this.waiters) if (this.settled >= w.target) w.resolve()
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      // unref: a pending retry alone does not keep the process alive; what waits is drain() (its
      // timeout is ref'd): flush(), close(), and the logger's exit guard (src/client/exit-guard.ts).
      const timer = setTimeout(done, ms).unref()
      const self = this
      function done() {
        self.wake = null
        clearTimeout(timer)
        resolve()
      }
      this.wake = () => {
        this.wake = null
        done()
      }
    })
  }
}

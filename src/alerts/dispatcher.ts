/**
 * Delivers the outbox, one lane per channel. A lane sends its rows one at a time in creation
 * order; when a send fails retriably the lane waits (capped exponential backoff with full
 * jitter) and retries that row first, so a resolve never overtakes its firing. Lanes are
 * independent: a channel that is down holds only its own lane.
 *
 * Per attempt: record 'sending' (attempts + 1) -> send -> record 'sent', or 'pending' with
 * next_attempt_at, or 'failed' (permanent error, or too many attempts / too old).
 * A row found in 'sending' was interrupted between sending and recording: it is in doubt, and
 * the channel is told so (Grafana looks for the annotation first; Slack marks the message;
 * email re-sends with the same Message-ID). Within one process a send whose 'sent' record
 * fails is remembered and the record retried, so only a crash leaves a row in doubt.
 * Every attempt's outcome goes to `deliveries` (driftwatch_alert_deliveries_total): 'sent',
 * 'retried' (failed, will be retried) or 'failed' (given up).
 */
import { isDriftwatchError } from '../errors.js'
import type { AlertDeliveryRecorder } from '../observability/alert-deliveries.js'
import type { Logger } from '../observability/logger.js'
import { backoffDelayMs, type BackoffPolicy } from '../pipeline/backoff.js'
import type { ChannelName } from '../rules/schema.js'
import type { Store } from '../store/clickhouse.js'
import type { ChannelSender } from './channels/types.js'
import { isInDoubt } from './channels/types.js'
import type { Notification } from './notification.js'
import { openRows, recordStatus, type OutboxRow } from './outbox.js'

export interface DeliveryPolicy {
  readonly backoff: BackoffPolicy
  /** A retriable failure after this many attempts is final. */
  readonly maxAttempts: number
  /** A retriable failure of a row older than this is final. */
  readonly maxAgeMs: number
}

export const DEFAULT_DELIVERY: DeliveryPolicy = { backoff: { baseMs: 1000, capMs: 300_000 }, maxAttempts: 50, maxAgeMs: 24 * 3_600_000 }

export interface LaneDeps {
  readonly store: Store
  readonly logger: Logger
  readonly now: () => number
  readonly random: () => number
  readonly version: () => number
  readonly policy: DeliveryPolicy
  readonly deliveries: AlertDeliveryRecorder
}

export class ChannelLane {
  private running: Promise<void> | null = null
  private again = false
  private timer: NodeJS.Timeout | null = null
  private stopped = false
  private storeFailures = 0
  /** Sent in this process, whatever ClickHouse says yet. */
  private readonly sent = new Set<string>()

  constructor(readonly sender: ChannelSender, private readonly deps: LaneDeps) {}

  get name(): ChannelName {
    return this.sender.name
  }

  /** Starts draining (or asks the running drain to look again); settles when the lane is idle. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve()
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = this.loop().finally(() => (this.running = null))
    return this.running
  }

  /** Lets a stopped lane deliver again (the alert service was handed back its leadership). */
  resume(): void {
    this.stopped = false
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      void this.kick()
    }, Math.max(0, delayMs))
    this.timer.unref?.()
  }

  private async loop(): Promise<void> {
    do {
      this.again = false
      try {
        await this.drain()
        this.storeFailures = 0
      } catch (err) {
        // ClickHouse unavailable: nothing was sent without 'sending' recorded first; try later.
        const delay = backoffDelayMs(this.storeFailures++, { baseMs: 1000, capMs: 30_000 }, this.deps.random) + 500
        this.deps.logger.warn({ err, channel: this.name, retryInMs: delay }, 'alert delivery paused: outbox unavailable')
        this.schedule(delay)
        return
      }
    } while (this.again && !this.stopped)
  }

  private async drain(): Promise<void> {
    for (;;) {
      const rows = await openRows(this.deps.store, this.name)
      if (rows.length === 0 || this.stopped) return
      for (const row of rows) {
        if (this.stopped) return
        const wait = row.nextAttemptMs - this.deps.now()
        if (wait > 0) {
          this.schedule(wait)
          return
        }
        if (!(await this.deliver(row))) return
      }
    }
  }

  /** True: the row is settled (sent or failed); false: a retry is scheduled. */
  private async deliver(row: OutboxRow): Promise<boolean> {
    const { store, now, version, policy, logger, deliveries } = this.deps
    const next = (r: OutboxRow, change: Partial<OutboxRow>): OutboxRow => ({ ...r, ...change, updatedMs: now(), version: Math.max(version(), r.version + 1) })
    if (this.sent.has(row.idempotencyKey)) {
      await recordStatus(store, next(row, { status: 'sent', lastError: '' }))
      this.sent.delete(row.idempotencyKey)
      return true
    }
    const attempt = row.attempts + 1
    const inDoubt = row.inDoubt || row.status === 'sending'
    const sending = next(row, { status: 'sending', attempts: attempt, inDoubt })
    await recordStatus(store, sending)
    try {
      await this.sender.send(JSON.parse(row.payload) as Notification, { idempotencyKey: row.idempotencyKey, attempt, inDoubt })
    } catch (err) {
      // An error that is not a classified delivery failure is a bug in rendering or sending. It
      // fails this row rather than crashing the process: a restart would hit it again, forever.
      const retriable = isDriftwatchError(err) ? err.retriable : false
      const final = !retriable || attempt >= policy.maxAttempts || now() - row.createdMs >= policy.maxAgeMs
      const lastError = (err as Error).message ?? String(err)
      deliveries.delivered(this.name, final ? 'failed' : 'retried')
      if (final) {
        await recordStatus(store, next(sending, { status: 'failed', lastError, inDoubt: inDoubt || isInDoubt(err) }))
        logger.error({ err, channel: this.name, key: row.idempotencyKey, attempt }, 'alert notification failed for good')
        return true
      }
      const delay = Math.max(backoffDelayMs(attempt - 1, policy.backoff, this.deps.random), Math.ceil(policy.backoff.baseMs / 4))
      await recordStatus(store, next(sending, { status: 'pending', nextAttemptMs: now() + delay, lastError, inDoubt: inDoubt || isInDoubt(err) }))
      logger.warn({ channel: this.name, key: row.idempotencyKey, attempt, retryInMs: delay, error: lastError }, 'alert notification not delivered; will retry')
      this.schedule(delay)
      return false
    }
    this.sent.add(row.idempotencyKey)
    deliveries.delivered(this.name, 'sent')
    await recordStatus(store, next(sending, { status: 'sent', lastError: '' }))
    this.sent.delete(row.idempotencyKey)
    logger.info({ channel: this.name, key: row.idempotencyKey, attempt }, 'alert notification sent')
    return true
  }
}

/**
 * Delivers the outbox, one lane per channel. Order is kept per alert key, not per channel
 * (outbox.ts `dueRows`): a row that fails retriably waits for its retry (capped exponential
 * backoff with full jitter) and holds back only the later rows sharing one of its alert keys, so
 * a resolve never overtakes its firing while every other alert of the channel goes on. A lane
 * sends at most `concurrency` rows at a time. Lanes are independent: a channel that is down
 * holds only its own lane.
 *
 * One row failing says little about the channel (a misspelt address that the relay defers, a
 * payload the webhook chokes on); different rows failing back to back, with no success between,
 * mean the receiver itself is down or limiting us. The lane then stops sending and probes with
 * one row at a time, preferring rows that have not failed in this process, after a pause that
 * doubles with every failed probe (the row backoff), until one succeeds. So an outage spends the
 * attempts (and the 50-attempt budget) of one row per pause, not of every queued row.
 *
 * The receiver's own limits come first. A Retry-After (a 429 or 503 that says how long) is the
 * least wait of the row and stops the whole lane that long, whatever else succeeds meanwhile; a
 * sender with `minIntervalMs` (Slack: one message per second per webhook) gets its sends started
 * no closer together than that, so a burst is paced rather than refused. A notification the
 * receiver took in part (email recipients) shows the channel works; the row keeps only what is
 * left to deliver (the delivery error's `retryWith`, stored with its payload), and the note of a
 * send that left something undeliverable for good becomes the 'sent' row's last_error.
 *
 * Per attempt: record 'sending' (attempts + 1) -> ask `mayDeliver` again -> send -> record
 * 'sent', or 'pending' with next_attempt_at, or 'failed' (permanent error, or too many attempts /
 * too old), or 'unknown' (given up with the delivery unknown). An attempt whose outcome is
 * unknown (a timeout after sending) is re-sent only after a long, growing wait and a bounded
 * number of times (./delivery-failure.ts), not on a refusal's backoff: a receiver answering just
 * after our timeout takes every re-send. A row found in 'sending' was interrupted between sending
 * and recording: it is in doubt, counts as an unknown outcome, and the channel is told so
 * (Grafana looks for the annotation first; Slack marks the message; email re-sends with the
 * same Message-ID). Within one process a send whose 'sent'
 * record fails is remembered and the record retried (and flushed by `stop()`), so only a crash
 * leaves a row in doubt. `stop()` returns once the sends in flight are recorded.
 *
 * Leadership handover. The lanes run in the elected leader only (src/kafka/leadership.ts), but a
 * rebalance hands the role to another instance while the old leader's sends are still open (it
 * steps down only once they are recorded: up to a send's timeout). So:
 * - a row another process left in 'sending' is deferred until its send's timeout
 *   (`ChannelSender.maxSendMs`) plus the lease's handover (`DeliveryPolicy.handoverMs`, the
 *   leadership session timeout) have passed since this lane first saw it in 'sending', on this
 *   process's clock only (the row's updated_at is the writer's clock, ahead or behind:
 *   `deferSending`); a live old leader records 'sent' meanwhile, a crashed one leaves it in doubt;
 * - the old leader asks `mayDeliver` again after recording 'sending' and puts the row back to
 *   'pending' unsent when its lease is gone: a successor may have read the row as still pending
 *   and sent it (its lease is revoked before the group can elect another member);
 * - a row this lane sent that shows up open again (the old leader's late write won on a clock
 *   ahead of ours) is recorded 'sent' again, not re-sent, for RECENTLY_SENT_MS.
 * Every attempt's outcome goes to `deliveries` (driftwatch_alert_deliveries_total): 'sent',
 * 'retried' (failed, will be retried), 'failed' (given up) or 'unknown' (given up in doubt: the
 * receiver may have it, and it is not sent again).
 *
 * Instances may be configured differently, and any of them may lead. A lane exists only for a
 * channel this instance has, and reads only that channel's rows; a row its sender cannot send at
 * all here (`ChannelSender.cannotSend`: email with no recipient) stays pending, untried, and
 * holds back the rows after it on its keys, until a leader that can send it takes over.
 *
 * Over 400 lines: the lane's decisions all read and change its in-memory state (suspects, pauses,
 * holds, sends not yet recorded) and are kept together; what a failure means for its own row is
 * decided in ./delivery-failure.ts.
 */
import type { AlertDeliveryRecorder } from '../observability/alert-deliveries.js'
import type { Logger } from '../observability/logger.js'
import { backoffDelayMs, type BackoffPolicy } from '../pipeline/backoff.js'
import type { ChannelName } from '../rules/schema.js'
import { DEFAULT_SESSION_TIMEOUT_MS } from '../kafka/leadership.js'
import type { Store } from '../store/clickhouse.js'
import type { ChannelSender } from './channels/types.js'
import { decideFailure, unknownOutcomesOf, withUnknownOutcomes } from './delivery-failure.js'
import { decodeNotification, withoutTransitions, type Notification } from './notification.js'
import { dueRows, openRows, recordStatus, sentTransitions, type OutboxRow } from './outbox.js'

export interface DeliveryPolicy {
  readonly backoff: BackoffPolicy
  /** A retriable failure after this many attempts is final. */
  readonly maxAttempts: number
  /** A retriable failure of a row older than this is final. */
  readonly maxAgeMs: number
  /** At most this many sends of one channel at a time. */
  readonly concurrency: number
  /**
   * How long after a send's timeout a deposed leader may still record it (the leadership session
   * timeout): a row another process left in 'sending' is deferred for its send's timeout plus this.
   */
  readonly handoverMs: number
  /**
   * The least wait before re-sending after an attempt whose outcome is unknown (timeout after
   * sending): doubled with each such outcome of the row (./delivery-failure.ts).
   */
  readonly inDoubtDelayMs: number
  /** How many times a row is re-sent after unknown outcomes; the next one leaves it 'unknown'. */
  readonly maxInDoubtResends: number
}

export const DEFAULT_DELIVERY: DeliveryPolicy = {
  backoff: { baseMs: 1000, capMs: 300_000 }, maxAttempts: 50, maxAgeMs: 24 * 3_600_000, concurrency: 4, handoverMs: DEFAULT_SESSION_TIMEOUT_MS,
  inDoubtDelayMs: 5 * 60_000, maxInDoubtResends: 5,
}

/** A send of a channel that does not say how long it may take (ChannelSender.maxSendMs). */
export const DEFAULT_MAX_SEND_MS = 60_000

/** How long a lane remembers what it sent, to record it again rather than re-send it if it is reopened. */
export const RECENTLY_SENT_MS = 10 * 60_000
const RECENTLY_SENT_MAX = 10_000

export interface LaneDeps {
  readonly store: Store
  readonly logger: Logger
  readonly now: () => number
  readonly random: () => number
  readonly version: () => number
  readonly policy: DeliveryPolicy
  readonly deliveries: AlertDeliveryRecorder
  /**
   * Asked before every send, and again once 'sending' is recorded: while false the lane starts
   * none and asks again every LEASE_RECHECK_MS (a leader whose lease lapsed during a stall waits
   * to learn whether it still leads, or to be stopped).
   */
  readonly mayDeliver: () => boolean
}

/** How soon a lane held back by `mayDeliver` asks again. */
export const LEASE_RECHECK_MS = 1000

export class ChannelLane {
  private running: Promise<void> | null = null
  private again = false
  private timer: NodeJS.Timeout | null = null
  private stopped = false
  private storeFailures = 0
  /** Sent in this process but not recorded yet (the 'sent' record failed): the row as recorded 'sending', and the sender's note. */
  private readonly sent = new Map<string, { row: OutboxRow; note: string }>()
  /** Sent and recorded by this lane, with when (this process's clock), for RECENTLY_SENT_MS. */
  private readonly recentlySent = new Map<string, number>()
  /** Rows another process left in 'sending': the version seen and when this lane first saw it. */
  private readonly sendingSeen = new Map<string, { version: number; atMs: number }>()
  /** Rows that failed retriably in this process and are not settled: their failures are their own. */
  private readonly suspects = new Set<string>()
  /** Retriable failures since the last success, not counting a suspect's outside a probe; 2 = down. */
  private failures = 0
  /** Pauses since the last success (the backoff exponent), and when the current one ends. */
  private pauses = 0
  private pausedUntilMs = 0
  /** Until when the receiver asked us to send nothing (Retry-After); a success does not lift it. */
  private holdUntilMs = 0
  /** When the last send started, for the sender's `minIntervalMs`. */
  private lastStartMs = Number.NEGATIVE_INFINITY
  /** Ends the drain's wait for the next paced send early (stop()). */
  private wakePace: (() => void) | null = null

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

  /**
   * Starts no more sends, and settles once the sends in flight are recorded, and the sends whose
   * 'sent' record failed are recorded (tried again now: after a handover the successor would
   * otherwise find them in 'sending' and send them again, in doubt).
   */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.wakePace?.()
    await this.running
    for (const [key, sending] of [...this.sent]) {
      try {
        await this.recordSent(sending.row, sending.note)
      } catch (err) {
        this.deps.logger.error({ err, channel: this.name, key }, 'alert notification sent but not recorded: whoever delivers next sends it again, marked in doubt')
      }
    }
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

  /**
   * Works through one read of the open rows, starting what is due as slots free up, and reads
   * again when it has run out; returns when nothing is in flight or due, with the wake-up set.
   * An outbox failure stops new sends; the ones in flight are recorded before it is thrown.
   */
  private async drain(): Promise<void> {
    const { store, now, policy } = this.deps
    const inFlight = new Map<string, Promise<void>>()
    let failure: { err: unknown } | null = null
    let rows = await openRows(store, this.name)
    let fresh = true
    this.forgetSettled(rows)
    try {
      for (;;) {
        if (this.stopped || failure) break
        const nowMs = now()
        const { due, wakeAtMs } = dueRows(this.deferSending(this.heldForOthers(rows), nowMs), nowMs, new Set(inFlight.keys()))
        const probing = this.failures >= 2
        const held = !this.deps.mayDeliver()
        const open = held || nowMs < Math.max(this.pausedUntilMs, this.holdUntilMs) ? 0 : (probing ? 1 : Math.max(1, policy.concurrency)) - inFlight.size
        // Paced: one send per `minIntervalMs`; a due row waiting only for its turn is waited for here.
        const paceMs = this.sender.minIntervalMs ?? 0
        const turnMs = paceMs > 0 ? this.lastStartMs + paceMs : nowMs
        const slots = paceMs > 0 ? Math.min(open, nowMs >= turnMs ? 1 : 0) : open
        const picks = probing ? [...due.filter((r) => !this.suspects.has(r.idempotencyKey)), ...due.filter((r) => this.suspects.has(r.idempotencyKey))] : due
        const waitTurn = paceMs > 0 && open > slots && due.length > Math.max(0, slots)
        for (const row of picks.slice(0, Math.max(0, slots))) {
          this.lastStartMs = nowMs
          const task = this.deliver(row).then(
            (after) => {
              rows = after ? rows.map((r) => (r.idempotencyKey === row.idempotencyKey ? after : r)) : rows.filter((r) => r.idempotencyKey !== row.idempotencyKey)
            },
            (err: unknown) => void (failure ??= { err }),
          )
          inFlight.set(row.idempotencyKey, task.finally(() => inFlight.delete(row.idempotencyKey)))
        }
        if (inFlight.size > 0 || waitTurn) {
          const turn = waitTurn ? this.paceWait(this.lastStartMs + paceMs - nowMs) : null
          await Promise.race([...inFlight.values(), ...(turn ? [turn.promise] : [])])
          turn?.end()
          fresh = false
          continue
        }
        if (!fresh) {
          // Rows enqueued meanwhile are read now, behind every unsettled row of their keys.
          rows = await openRows(store, this.name)
          fresh = true
          this.forgetSettled(rows)
          continue
        }
        const nextMs = due.length > 0 ? nowMs + (held ? LEASE_RECHECK_MS : 0) : wakeAtMs
        if (nextMs !== null) this.schedule(Math.max(nextMs, this.pausedUntilMs, this.holdUntilMs) - nowMs)
        return
      }
    } finally {
      await Promise.all(inFlight.values())
    }
    // Set by a task: the compiler cannot see that assignment, hence the cast.
    const failed = failure as { err: unknown } | null
    if (failed) throw failed.err
  }

  /** Resolves after `ms`, when ended, or when the lane is stopped. */
  private paceWait(ms: number): { promise: Promise<void>; end: () => void } {
    let end = () => undefined as void
    const promise = new Promise<void>((resolve) => {
      const t = setTimeout(() => end(), Math.max(0, ms))
      end = () => {
        clearTimeout(t)
        if (this.wakePace === end) this.wakePace = null
        resolve()
      }
    })
    this.wakePace = end
    return { promise, end }
  }

  /** Suspects another process settled (or that are gone) are forgotten, and so is what was seen in 'sending'. */
  private forgetSettled(rows: readonly OutboxRow[]): void {
    const open = new Set(rows.map((r) => r.idempotencyKey))
    for (const key of this.suspects) if (!open.has(key)) this.suspects.delete(key)
    const sending = new Map(rows.filter((r) => r.status === 'sending').map((r) => [r.idempotencyKey, r.version]))
    for (const [key, seen] of this.sendingSeen) if (sending.get(key) !== seen.version) this.sendingSeen.delete(key)
    const nowMs = this.deps.now()
    for (const [key, version] of sending) if (!this.sendingSeen.has(key)) this.sendingSeen.set(key, { version, atMs: nowMs })
    for (const [key, atMs] of this.recentlySent) if (nowMs - atMs > RECENTLY_SENT_MS) this.recentlySent.delete(key)
  }

  /**
   * The rows as `dueRows` should see them: a row another process left in 'sending' is not due
   * before its send's timeout plus the handover have passed (file comment), counted on this
   * process's clock from when this lane first saw it in 'sending' (that version of it).
   *
   * Why that moment and nothing else: the row's updated_at is the writer's clock, which may be
   * behind ours (the deferral would be over before it began, and the row re-sent while the old
   * leader's request is still open) or ahead (the deferral would never end); no bound taken from
   * it is safe both ways. The first sight is after the 'sending' record was written (it cannot be
   * read before), so the deferral never ends before the writer's send could have, and it ends a
   * known time later on our own clock. Not "since this instance became leader" either, though
   * the old leader's 'sending' record normally precedes that: a deposed leader that stalled may
   * record it after (file comment), and counting from the election would cut its deferral short.
   * The cost: a lane whose first read of the outbox is late (ClickHouse away) defers that much
   * longer a row a crashed leader left in doubt.
   */
  private deferSending(rows: readonly OutboxRow[], nowMs: number): OutboxRow[] {
    const graceMs = (this.sender.maxSendMs ?? DEFAULT_MAX_SEND_MS) + this.deps.policy.handoverMs
    return rows.map((r) => {
      if (r.status !== 'sending' || this.sent.has(r.idempotencyKey) || this.recentlySent.has(r.idempotencyKey)) return r
      const since = this.sendingSeen.get(r.idempotencyKey)?.atMs ?? nowMs
      return since + graceMs > r.nextAttemptMs ? { ...r, nextAttemptMs: since + graceMs } : r
    })
  }

  /** The rows as `dueRows` should see them: one this sender cannot send is never due here (file comment). */
  private heldForOthers(rows: readonly OutboxRow[]): readonly OutboxRow[] {
    const cannotSend = this.sender.cannotSend?.bind(this.sender)
    if (!cannotSend) return rows
    return rows.map((r) => (cannotSend(decodeNotification(r.payload)) === null ? r : { ...r, nextAttemptMs: Infinity }))
  }

  /**
   * The row's next record: a version above the one read, whatever the clock says. `atMs` is when
   * the change was decided, so a retry time computed from it is exactly its delay after updated_at.
   */
  private next(r: OutboxRow, change: Partial<OutboxRow>, atMs = this.deps.now()): OutboxRow {
    return { ...r, ...change, updatedMs: atMs, version: Math.max(this.deps.version(), r.version + 1) }
  }

  /** Records the row sent; `note` is what the receiver did not take although it took the message (ChannelSender.send). */
  private async recordSent(row: OutboxRow, note = ''): Promise<void> {
    await recordStatus(this.deps.store, this.next(row, { status: 'sent', lastError: note }))
    this.sent.delete(row.idempotencyKey)
    this.recentlySent.delete(row.idempotencyKey)
    this.recentlySent.set(row.idempotencyKey, this.deps.now())
    if (this.recentlySent.size > RECENTLY_SENT_MAX) this.recentlySent.delete(this.recentlySent.keys().next().value!)
  }

  private succeeded(key: string): void {
    this.suspects.delete(key)
    this.failures = 0
    this.pauses = 0
    this.pausedUntilMs = 0
  }

  /**
   * A retriable failure: see the file comment for what it says about the channel. A Retry-After
   * holds the whole lane that long, whatever else succeeds meanwhile (the receiver limits the
   * channel, not the row), and is the least pause.
   */
  private failedRetriably(key: string, retryAfterMs: number): void {
    const { now, random, policy } = this.deps
    if (retryAfterMs > 0) this.holdUntilMs = Math.max(this.holdUntilMs, now() + retryAfterMs)
    if (!this.suspects.has(key) || this.failures >= 2) this.failures++
    this.suspects.add(key)
    if (this.failures < 2 || now() < this.pausedUntilMs) return
    const pauseMs = Math.max(backoffDelayMs(this.pauses++, policy.backoff, random), Math.ceil(policy.backoff.baseMs / 4), retryAfterMs)
    this.pausedUntilMs = now() + pauseMs
    this.deps.logger.warn({ channel: this.name, pauseMs }, 'alert channel failing for different notifications; pausing it and probing')
  }

  /** The row as recorded when a retry is scheduled (or put back); null when it is settled (sent or failed). */
  private async deliver(row: OutboxRow): Promise<OutboxRow | null> {
    const { store, now, policy, logger, deliveries } = this.deps
    const next = (r: OutboxRow, change: Partial<OutboxRow>, atMs?: number): OutboxRow => this.next(r, change, atMs)
    if (this.sent.has(row.idempotencyKey) || this.recentlySent.has(row.idempotencyKey)) {
      // Sent by this lane: its record failed, or another process's late write reopened the row.
      await this.recordSent(row, this.sent.get(row.idempotencyKey)?.note)
      this.suspects.delete(row.idempotencyKey)
      return null
    }
    // Transitions another row of this channel delivered (overlapping passes grouped them twice).
    const delivered = await sentTransitions(store, this.name, row)
    if (delivered.size === row.transitionIds.length) {
      await recordStatus(store, next(row, { status: 'sent', lastError: '' }))
      logger.info({ channel: this.name, key: row.idempotencyKey }, 'alert notification not sent: other notifications delivered all of its transitions')
      return null
    }
    if (row.attempts === 0 && now() - row.createdMs >= policy.maxAgeMs) {
      // Never tried, and older than any retry lasts: it waited for a leader with this channel
      // (service.ts), e.g. one configured weeks after its rule named it. Sent now, a firing of
      // long ago would read as news: it is recorded failed, saying why, and not sent.
      const waitedH = Math.round((now() - row.createdMs) / 3_600_000)
      const lastError = `not sent: it waited ${waitedH} h for a leader able to send it, past the ${Math.round(policy.maxAgeMs / 3_600_000)} h a notification is tried for`
      deliveries.delivered(this.name, 'failed')
      await recordStatus(store, next(row, { status: 'failed', lastError }))
      logger.warn({ channel: this.name, key: row.idempotencyKey, waitedH }, 'alert notification too old to send when first tried; recorded failed')
      return null
    }
    const attempt = row.attempts + 1
    // Found in 'sending': an attempt was interrupted between sending and recording, its outcome unknown.
    const interrupted = row.status === 'sending'
    const inDoubt = row.inDoubt || interrupted
    const unknownOutcomes = unknownOutcomesOf(row.payload) + (interrupted ? 1 : 0)
    if (interrupted && unknownOutcomes > policy.maxInDoubtResends) {
      const lastError = `outcome unknown (in doubt) after ${unknownOutcomes} attempts that may each have been delivered; not sent again${row.lastError ? `: ${row.lastError}` : ''}`
      deliveries.delivered(this.name, 'unknown')
      await recordStatus(store, next(row, { status: 'unknown', inDoubt, lastError, payload: withUnknownOutcomes(row.payload, unknownOutcomes) }))
      logger.error({ channel: this.name, key: row.idempotencyKey, attempts: row.attempts }, 'alert notification outcome unknown (in doubt): not sent again; the receiver may or may not have it')
      return null
    }
    const payload = interrupted ? withUnknownOutcomes(row.payload, unknownOutcomes) : row.payload
    const sending = next(row, { status: 'sending', attempts: attempt, inDoubt, payload })
    await recordStatus(store, sending)
    if (this.stopped || !this.deps.mayDeliver()) {
      // Deposed (or stopped) while 'sending' was being recorded: a successor may have read the
      // row as pending and be sending it. Put it back, unsent and with the attempt not spent.
      const back = next(sending, { status: 'pending', attempts: row.attempts })
      await recordStatus(store, back)
      logger.info({ channel: this.name, key: row.idempotencyKey }, 'alert notification put back: this instance no longer holds the lease')
      return back
    }
    let note = ''
    try {
      const report = await this.sender.send(withoutTransitions(decodeNotification(row.payload), delivered), { idempotencyKey: row.idempotencyKey, attempt, inDoubt })
      note = report?.note ?? ''
    } catch (err) {
      const failedAtMs = now()
      const d = decideFailure(err, sending, attempt, { policy, nowMs: failedAtMs, random: this.deps.random, inDoubt })
      // Given up: 'failed', or 'unknown' when the outcome is in doubt (the receiver may have it).
      deliveries.delivered(this.name, !d.final ? 'retried' : d.finalStatus === 'unknown' ? 'unknown' : 'failed')
      if (d.partial) this.succeeded(row.idempotencyKey)
      else if (d.retriable) this.failedRetriably(row.idempotencyKey, d.retryAfterMs)
      const change = { lastError: d.lastError, payload: d.payload, inDoubt: d.inDoubt }
      if (d.final) {
        this.suspects.delete(row.idempotencyKey)
        await recordStatus(store, next(sending, { ...change, status: d.finalStatus }))
        if (d.finalStatus === 'unknown') logger.error({ err, channel: this.name, key: row.idempotencyKey, attempt, unknownOutcomes: d.unknownOutcomes }, 'alert notification outcome unknown (in doubt): not sent again; the receiver may or may not have it')
        else logger.error({ err, channel: this.name, key: row.idempotencyKey, attempt }, 'alert notification failed for good')
        return null
      }
      const pending = next(sending, { ...change, status: 'pending', nextAttemptMs: d.nextAttemptMs }, failedAtMs)
      await recordStatus(store, pending)
      const retry = { channel: this.name, key: row.idempotencyKey, attempt, retryInMs: d.nextAttemptMs - now(), error: d.lastError }
      if (d.outcomeUnknown) logger.warn({ ...retry, unknownOutcomes: d.unknownOutcomes }, 'alert notification outcome unknown (in doubt): the receiver may have it; will send again, marked in doubt')
      else logger.warn(retry, 'alert notification not delivered; will retry')
      return pending
    }
    this.sent.set(row.idempotencyKey, { row: sending, note })
    this.succeeded(row.idempotencyKey)
    deliveries.delivered(this.name, 'sent')
    await this.recordSent(sending, note)
    if (note) logger.warn({ channel: this.name, key: row.idempotencyKey, attempt, note }, 'alert notification sent, but not taken in full')
    logger.info({ channel: this.name, key: row.idempotencyKey, attempt }, 'alert notification sent')
    return null
  }
}

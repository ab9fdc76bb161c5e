/**
 * The alert service: after each evaluator pass, `evaluateNow()` evaluates every rule over the
 * newest metric windows, records transitions (firing/resolved) in the `alerts` history,
 * decides what to notify (silences, cooldown, grouping) and enqueues one outbox row per
 * notification and channel; the channel lanes deliver them. `start()` resumes deliveries left
 * pending by a previous process. Run it in one instance only (docs/alerts.md).
 * `deliveries` counts every delivery attempt by channel and outcome (see dispatcher.ts), and a
 * transition decided never to be notified (skipped) as 'suppressed' on each configured channel
 * of its rule.
 */
import type { FileConfig } from '../config/file.js'
import { NO_ALERT_DELIVERIES, type AlertDeliveryRecorder } from '../observability/alert-deliveries.js'
import type { Logger } from '../observability/logger.js'
import type { BackoffPolicy } from '../pipeline/backoff.js'
import { evaluateRule } from '../rules/evaluate.js'
import type { RuleSet } from '../rules/parse.js'
import type { ChannelName, Rule } from '../rules/schema.js'
import type { Store } from '../store/clickhouse.js'
import type { AlertChannelsConfig } from '../config/alerts-env.js'
import { buildSenders } from './channels/senders.js'
import type { ChannelSender } from './channels/types.js'
import { ChannelLane, DEFAULT_DELIVERY, type DeliveryPolicy } from './dispatcher.js'
import { loadStates, notificationIndex, pendingTransitions, recordTransitions } from './history.js'
import { transitions as lifecycle, type Transition } from './lifecycle.js'
import { loadPoints } from './metric-points.js'
import { buildNotification } from './notification.js'
import { decideNotifications } from './notify-policy.js'
import { enqueue, notificationRows, skippedRow, type OutboxRow } from './outbox.js'
import { fileSilences, storedSilences } from './silences.js'
import { minOf, pushAll } from '../arrays.js'

export interface AlertServiceDeps {
  readonly store: Store
  readonly rules: RuleSet
  /** Model settings: reference periods for relative performance rules. */
  readonly file: FileConfig
  readonly channels: AlertChannelsConfig
  readonly logger: Logger
  readonly now?: () => number
  readonly random?: () => number
  readonly delivery?: Partial<Omit<DeliveryPolicy, 'backoff'>> & { backoff?: BackoffPolicy }
  /** Counts delivery outcomes (driftwatch_alert_deliveries_total); default: not counted. */
  readonly deliveries?: AlertDeliveryRecorder
  /** Replaces the channels built from `channels` (tests, custom transports). */
  readonly senders?: readonly ChannelSender[]
  /**
   * Whether this instance holds the alerts lease (src/kafka/leadership.ts). Asked before every
   * send (false holds the sends back) and before a pass records its transitions and enqueues its
   * notifications (false drops the pass's writes: a deposed leader's pass must not overlap its
   * successor's). Default: always true.
   */
  readonly mayDeliver?: () => boolean
}

export interface AlertPassReport {
  readonly transitions: number
  readonly notifications: number
  readonly skipped: number
  readonly held: number
}

export class AlertService {
  private readonly lanes: Map<ChannelName, ChannelLane>
  private readonly rules: Map<string, Rule>
  private readonly now: () => number
  private readonly holdsLease: () => boolean
  private running: Promise<unknown> = Promise.resolve()
  private poll: NodeJS.Timeout | null = null
  private evaluateTimer: NodeJS.Timeout | null = null
  private lastVersion = 0

  constructor(private readonly deps: AlertServiceDeps) {
    this.now = deps.now ?? Date.now
    this.holdsLease = deps.mayDeliver ?? (() => true)
    this.rules = new Map(deps.rules.rules.map((r) => [r.name, r]))
    const policy: DeliveryPolicy = { ...DEFAULT_DELIVERY, ...deps.delivery, backoff: deps.delivery?.backoff ?? DEFAULT_DELIVERY.backoff }
    const laneDeps = { store: deps.store, logger: deps.logger, now: this.now, random: deps.random ?? Math.random, version: () => this.version(), policy, deliveries: deps.deliveries ?? NO_ALERT_DELIVERIES, mayDeliver: this.holdsLease }
    const senders = deps.senders ?? buildSenders(deps.channels)
    this.lanes = new Map(senders.map((s) => [s.name, new ChannelLane(s, laneDeps)]))
  }

  /** Strictly increasing outbox versions, from the clock (versions above 0: creation rows are 0). */
  private version(): number {
    this.lastVersion = Math.max(this.now(), this.lastVersion + 1)
    return this.lastVersion
  }

  get channels(): ChannelName[] {
    return [...this.lanes.keys()]
  }

  /** Resumes pending deliveries; with `evaluateEveryMs`, also evaluates on its own timer. */
  start(o: { evaluateEveryMs?: number; pollMs?: number } = {}): void {
    for (const lane of this.lanes.values()) lane.resume()
    void this.dispatchNow()
    // A safety net: lanes schedule their own retries, this catches rows enqueued by other processes.
    this.poll = setInterval(() => void this.dispatchNow(), o.pollMs ?? 60_000)
    this.poll.unref?.()
    if (o.evaluateEveryMs) {
      const loop = () => {
        this.evaluateNow()
          .catch((err) => this.deps.logger.error({ err }, 'alert evaluation failed; retrying next interval'))
          .finally(() => {
            if (this.evaluateTimer) this.evaluateTimer = setTimeout(loop, o.evaluateEveryMs)
          })
      }
      this.evaluateTimer = setTimeout(loop, o.evaluateEveryMs)
    }
  }

  async stop(): Promise<void> {
    if (this.poll) clearInterval(this.poll)
    if (this.evaluateTimer) clearTimeout(this.evaluateTimer)
    this.poll = null
    this.evaluateTimer = null
    await this.running.catch(() => undefined)
    await Promise.all([...this.lanes.values()].map((l) => l.stop()))
  }

  /** Kicks every channel lane and waits until each is idle (sent, failed, or waiting to retry). */
  async dispatchNow(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((l) => l.kick()))
  }

  /** One pass, after any pass in progress. Deliveries start in the background (see dispatchNow). */
  evaluateNow(): Promise<AlertPassReport> {
    const next = this.running.catch(() => undefined).then(() => this.pass())
    this.running = next
    return next
  }

  private async pass(): Promise<AlertPassReport> {
    const { store, logger, file } = this.deps
    const nowMs = this.now()
    const states = await loadStates(store)
    const recorded: Transition[] = []
    for (const rule of this.rules.values()) {
      try {
        const points = await loadPoints(store, rule, file, nowMs)
        pushAll(recorded, lifecycle(rule, evaluateRule(rule, points), states, nowMs))
      } catch (err) {
        logger.error({ err, rule: rule.name }, 'alert rule could not be evaluated')
      }
    }
    // Fenced by the lease: a deposed leader's pass, overlapping its successor's, would record the
    // same transitions again and group the pending ones differently (other idempotency keys).
    if (!this.holdsLease()) return { transitions: 0, ...this.fenced('record transitions') }
    await recordTransitions(store, recorded)
    for (const t of recorded) logger.info({ rule: t.rule, model: t.modelId, version: t.modelVersion, subject: t.subject, status: t.status, value: t.value }, `alert ${t.status}`)
    const report = await this.enqueuePending(nowMs, new Map([...[...states.values()].map((s) => [s.alertKey, s.transitionId] as const), ...recorded.map((t) => [t.alertKey, t.transitionId] as const)]))
    if (report.notifications > 0) void this.dispatchNow()
    return { transitions: recorded.length, ...report }
  }

  private fenced(what: string): Omit<AlertPassReport, 'transitions'> {
    this.deps.logger.warn({ what }, 'alert pass dropped: this instance no longer holds the alerts lease')
    return { notifications: 0, skipped: 0, held: 0 }
  }

  private async enqueuePending(nowMs: number, latest: Map<string, string>): Promise<Omit<AlertPassReport, 'transitions'>> {
    const { store, rules, channels } = this.deps
    const pending = await pendingTransitions(store, nowMs)
    if (pending.length === 0) return { notifications: 0, skipped: 0, held: 0 }
    const index = await notificationIndex(store, [...new Set(pending.map((t) => t.alertKey))])
    const silences = [...fileSilences(rules.silences), ...(await storedSilences(store, nowMs))]
    const decision = decideNotifications({ pending, latest, ...index, silences, rules: this.rules, nowMs })
    const rows: OutboxRow[] = []
    const groups = [...decision.groups].sort((a, b) => minOf(a.transitions.map((t) => t.changedAtMs)) - minOf(b.transitions.map((t) => t.changedAtMs)))
    groups.forEach((g, i) => {
      // One ms apart, oldest transition first: the lanes send what is free to go oldest first. Each
      // alert key's order is its transition sequence (outbox.ts dueRows), not created_at.
      const n = buildNotification(g, this.rules.get(g.rule), channels.dashboardBaseUrl, nowMs + i)
      const wanted = (this.rules.get(g.rule)?.channels ?? []).filter((c) => this.lanes.has(c) && (c !== 'email' || (n.emailTo ?? channels.email?.to ?? []).length > 0))
      const meta = { rule: g.rule, modelId: g.modelId, modelVersion: g.modelVersion, transition: g.status, windowStartMs: g.windowStartMs }
      pushAll(rows, wanted.length ? notificationRows(n, wanted) : [skippedRow(n.transitionIds, meta, 'no configured channel for this rule', nowMs)])
    })
    for (const s of decision.skipped) {
      const t = s.transition
      rows.push(skippedRow([t.transitionId], { rule: t.rule, modelId: t.modelId, modelVersion: t.modelVersion, transition: t.status, windowStartMs: t.windowStartMs }, s.reason, nowMs))
    }
    if (!this.holdsLease()) return this.fenced('enqueue notifications')
    await enqueue(store, rows)
    // Counted once the skipped rows are stored: a skipped transition is never pending again.
    const deliveries = this.deps.deliveries ?? NO_ALERT_DELIVERIES
    for (const s of decision.skipped) {
      for (const c of this.rules.get(s.transition.rule)?.channels ?? []) if (this.lanes.has(c)) deliveries.delivered(c, 'suppressed')
    }
    return { notifications: groups.length, skipped: decision.skipped.length, held: decision.held.length }
  }
}

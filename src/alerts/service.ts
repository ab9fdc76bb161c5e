/**
 * The alert service: after each evaluator pass, `evaluateNow()` evaluates every rule over the
 * newest metric windows, records transitions (firing/resolved) in the `alerts` history,
 * decides what to notify (silences, cooldown, grouping) and enqueues one outbox row per
 * notification and channel; the channel lanes deliver them. `start()` resumes deliveries left
 * pending by a previous process. Run it in one instance only (docs/alerts.md).
 * `deliveries` counts every delivery attempt by channel and outcome (see dispatcher.ts), and a
 * transition decided never to be notified (skipped) as 'suppressed' on each configured channel
 * of its rule.
 *
 * Whichever instance is elected leads, and instances may differ in their channels and rule files.
 * So what is recorded is what the rule asks for, not what this instance can do: a notification
 * gets a row on every channel its rule names, and a row of a channel this instance lacks stays
 * pending (its last_error says why) for a leader that has it. A transition of a rule this
 * instance does not know stays pending too: an outbox row of any kind would mark it handled
 * (history.ts pendingTransitions), and a leader that knows the rule could never notify it.
 *
 * Except the alerts of a rule the leader has not loaded that are still firing: nothing evaluates
 * them, so nothing else would ever resolve them. The leader's pass resolves them with the reason
 * "rule removed" (rule-removal.ts), under the lease like every transition it records, with one
 * info line per rule, and then decides their notifications itself, by the policy of every resolve.
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
import { firingOfOtherRules, loadStates, notificationIndex, pendingTransitions, recordTransitions } from './history.js'
import { transitions as lifecycle, type Transition } from './lifecycle.js'
import { loadPoints } from './metric-points.js'
import { buildNotification } from './notification.js'
import { decideNotifications } from './notify-policy.js'
import { enqueue, notificationRows, rowsForTransitions, skippedRow, type OutboxRow } from './outbox.js'
import { resolvedFirings, ruleRemovedKeys, ruleRemovedNotification, ruleRemovedResolutions } from './rule-removal.js'
import { fileSilences, storedSilences } from './silences.js'
import { minOf, pushAll } from '../arrays.js'
import { PassLoop } from '../pass-loop.js'
import type { Notification } from './notification.js'

/** The last_error of a row created for a channel the alerts leader has not configured. */
export const CHANNEL_NOT_CONFIGURED = 'no running alerts leader has this channel configured (sent once one has)'

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
  private readonly loop: PassLoop<AlertPassReport>
  private poll: NodeJS.Timeout | null = null
  private lastVersion = 0
  /** Rules whose transitions this instance left pending as unknown, warned about once each. */
  private readonly unknownRulesWarned = new Set<string>()

  constructor(private readonly deps: AlertServiceDeps) {
    this.now = deps.now ?? Date.now
    this.holdsLease = deps.mayDeliver ?? (() => true)
    this.rules = new Map(deps.rules.rules.map((r) => [r.name, r]))
    const policy: DeliveryPolicy = { ...DEFAULT_DELIVERY, ...deps.delivery, backoff: deps.delivery?.backoff ?? DEFAULT_DELIVERY.backoff }
    const laneDeps = { store: deps.store, logger: deps.logger, now: this.now, random: deps.random ?? Math.random, version: () => this.version(), policy, deliveries: deps.deliveries ?? NO_ALERT_DELIVERIES, mayDeliver: this.holdsLease }
    const senders = deps.senders ?? buildSenders(deps.channels)
    this.lanes = new Map(senders.map((s) => [s.name, new ChannelLane(s, laneDeps)]))
    this.loop = new PassLoop(() => this.pass(), (err) => deps.logger.error({ err }, 'alert evaluation failed; retrying next interval'))
  }

  /** Strictly increasing outbox versions, from the clock (versions above 0: creation rows are 0). */
  private version(): number {
    this.lastVersion = Math.max(this.now(), this.lastVersion + 1)
    return this.lastVersion
  }

  get channels(): ChannelName[] {
    return [...this.lanes.keys()]
  }

  /**
   * Resumes pending deliveries; with `evaluateEveryMs`, also evaluates on its own timer: the first
   * pass on the next tick, then `evaluateEveryMs` after each pass ends (../pass-loop.ts).
   */
  start(o: { evaluateEveryMs?: number; pollMs?: number } = {}): void {
    this.stopPoll()
    if (o.evaluateEveryMs) this.loop.start(o.evaluateEveryMs)
    else this.loop.cancel()
    for (const lane of this.lanes.values()) lane.resume()
    void this.dispatchNow()
    // A safety net: lanes schedule their own retries, this catches rows enqueued by other processes.
    this.poll = setInterval(() => void this.dispatchNow(), o.pollMs ?? 60_000)
    this.poll.unref?.()
  }

  private stopPoll(): void {
    if (this.poll) clearInterval(this.poll)
    this.poll = null
  }

  async stop(): Promise<void> {
    this.stopPoll()
    await this.loop.stop()
    await Promise.all([...this.lanes.values()].map((l) => l.stop()))
  }

  /** Kicks every channel lane and waits until each is idle (sent, failed, or waiting to retry). */
  async dispatchNow(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((l) => l.kick()))
  }

  /** One pass, after any pass in progress. Deliveries start in the background (see dispatchNow). */
  evaluateNow(): Promise<AlertPassReport> {
    return this.loop.runNow()
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
    let removed: Transition[] = []
    try {
      removed = ruleRemovedResolutions(await firingOfOtherRules(store, [...this.rules.keys()]), this.rules, nowMs)
      pushAll(recorded, removed)
    } catch (err) {
      logger.error({ err }, 'alerts of rules that are no longer loaded could not be read')
    }
    // Fenced by the lease: a deposed leader's pass, overlapping its successor's, would record the
    // same transitions again and group the pending ones differently (other idempotency keys).
    if (!this.holdsLease()) return { transitions: 0, ...this.fenced('record transitions') }
    await recordTransitions(store, recorded)
    for (const t of recorded) if (t.reason === undefined) logger.info({ rule: t.rule, model: t.modelId, version: t.modelVersion, subject: t.subject, status: t.status, value: t.value }, `alert ${t.status}`)
    for (const [rule, alerts] of countByRule(removed)) logger.info({ rule, alerts }, 'alerts of a rule that is no longer loaded resolved: rule removed')
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
    const pending = this.ofKnownRules(await pendingTransitions(store, nowMs))
    if (pending.length === 0) return { notifications: 0, skipped: 0, held: 0 }
    const index = await notificationIndex(store, [...new Set(pending.map((t) => t.alertKey))])
    const silences = [...fileSilences(rules.silences), ...(await storedSilences(store, nowMs))]
    const decision = decideNotifications({ pending, latest, ...index, silences, rules: this.rules, nowMs })
    const rows: OutboxRow[] = []
    const groups = [...decision.groups].sort((a, b) => minOf(a.transitions.map((t) => t.changedAtMs)) - minOf(b.transitions.map((t) => t.changedAtMs)))
    // Resolves of rules that are no longer loaded: the outbox rows of their firings stand in for the rule (rule-removal.ts).
    const unloaded = groups.filter((g) => !this.rules.has(g.rule))
    const firingRows = unloaded.length === 0 ? [] : await rowsForTransitions(store, unloaded.flatMap(resolvedFirings))
    groups.forEach((g, i) => {
      // One ms apart, oldest transition first: the lanes send what is free to go oldest first. Each
      // alert key's order is its transition sequence (outbox.ts dueRows), not created_at.
      const meta = { rule: g.rule, modelId: g.modelId, modelVersion: g.modelVersion, transition: g.status, windowStartMs: g.windowStartMs }
      const rule = this.rules.get(g.rule)
      if (rule === undefined) {
        const firings = new Set(resolvedFirings(g))
        const r = ruleRemovedNotification(g, firingRows.filter((row) => row.transitionIds.some((id) => firings.has(id))), channels.dashboardBaseUrl, nowMs + i)
        pushAll(rows, r.channels.length ? this.rowsFor(r.notification, r.channels) : [skippedRow(r.notification.transitionIds, meta, 'its rule was removed and no channel row of its firing was found', nowMs)])
        return
      }
      const n = buildNotification(g, rule, channels.dashboardBaseUrl, nowMs + i)
      // Rule files always name a channel (rules/schema.ts); a rule built in code may name none.
      pushAll(rows, rule.channels.length ? this.rowsFor(n, rule.channels) : [skippedRow(n.transitionIds, meta, 'its rule names no channel', nowMs)])
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

  /**
   * A notification's rows on its rule's channels. A channel this instance cannot send it on gets
   * its row all the same, pending, saying why: another leader may have the channel (file comment).
   */
  private rowsFor(n: Notification, channels: readonly ChannelName[]): OutboxRow[] {
    return notificationRows(n, channels).map((row) => {
      const lane = this.lanes.get(row.channel as ChannelName)
      const reason = lane ? lane.sender.cannotSend?.(n) ?? null : CHANNEL_NOT_CONFIGURED
      return reason === null ? row : { ...row, lastError: lane ? `${reason} (pending for a leader that can send it)` : reason }
    })
  }

  /**
   * Leaves out, pending, the transitions of rules this instance does not know (file comment), but
   * those of keys a rule-removal resolve ends; warns once per rule.
   */
  private ofKnownRules(pending: readonly Transition[]): Transition[] {
    const known: Transition[] = []
    const unknown = new Map<string, number>()
    const removed = ruleRemovedKeys(pending)
    for (const t of pending) {
      if (this.rules.has(t.rule) || removed.has(t.alertKey)) known.push(t)
      else unknown.set(t.rule, (unknown.get(t.rule) ?? 0) + 1)
    }
    for (const [rule, transitions] of unknown) {
      if (this.unknownRulesWarned.has(rule)) continue
      this.unknownRulesWarned.add(rule)
      this.deps.logger.warn({ rule, transitions }, 'alert transitions of a rule this instance does not know (not in DRIFTWATCH_ALERT_RULES) are left pending for a leader that knows it')
    }
    return known
  }
}

function countByRule(transitions: readonly Transition[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const t of transitions) counts.set(t.rule, (counts.get(t.rule) ?? 0) + 1)
  return counts
}

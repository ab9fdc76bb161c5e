/**
 * What `driftwatch alerts list` shows, as one read query: each alert key's current state (or
 * every transition since a time) with the delivery of that transition on every channel
 * (src/alerts/list.ts), whether its window is open, and the active silences
 * (src/alerts/silences.ts). The read API answers it at GET /v1/alerts/deliveries, so the command
 * shows the same thing whether it opens the store or asks the running `driftwatch start` that
 * holds it (src/cli/alerts.ts).
 *
 * Unlike GET /v1/alerts it is not paginated and does not 404 an unknown model: it is the
 * command's list, as the command has always read it (a model or rule without alerts lists none).
 */
import { listAlerts, type AlertListItem } from '../alerts/list.js'
import { storedSilences, type Silence } from '../alerts/silences.js'
import { minOf } from '../arrays.js'
import type { ReadDeps } from './deps.js'
import type { AlertView } from './types.js'
import { isoTime, optionalTime } from './params.js'
import { metricValue, readRows } from './sql.js'

export interface AlertDeliveryOptions {
  /** 'firing' (default) or 'all': resolved keys too. Ignored with transitions_since. */
  readonly status?: 'firing' | 'all'
  /** Every transition changed at or after this time, instead of each key's current state. */
  readonly transitions_since?: string
  readonly model?: string
  readonly rule?: string
}

/** One transition of an alert: the fields the alerts route names alike (AlertView), with its id and sequence. */
export interface AlertDeliveryTransition
  extends Pick<AlertView, 'alert_key' | 'status' | 'rule' | 'metric' | 'model' | 'model_version' | 'subject' | 'severity' | 'value' | 'threshold' | 'window_start' | 'window_end' | 'changed_at'> {
  readonly transition_id: string
  readonly seq: number
  readonly details: readonly string[]
}

export interface AlertDelivery {
  /** '' for a transition that is not notified (last_error says why). */
  readonly channel: string
  readonly status: string
  readonly attempts: number
  readonly next_attempt_at: string
  readonly last_error: string
  readonly in_doubt: boolean
  readonly idempotency_key: string
}

export interface AlertDeliveryItem {
  readonly transition: AlertDeliveryTransition
  readonly deliveries: readonly AlertDelivery[]
  /** The transition's window is open at its model's newest evaluation (false without a model). */
  readonly window_open: boolean
}

export interface SilenceView {
  readonly id: string
  readonly rule: string
  readonly model: string
  readonly starts_at: string
  readonly ends_at: string
  readonly reason: string
  readonly created_by: string
}

export interface AlertDeliveryReport {
  readonly alerts: readonly AlertDeliveryItem[]
  readonly silences: readonly SilenceView[]
}

export async function alertDeliveryReport(deps: Pick<ReadDeps, 'store' | 'now'>, o: AlertDeliveryOptions = {}): Promise<AlertDeliveryReport> {
  const since = optionalTime(o.transitions_since, 'transitions_since')
  const items = await listAlerts(deps.store, { all: o.status === 'all', historySinceMs: since, model: o.model, rule: o.rule })
  const open = await openWindows(deps, items)
  const silences = await storedSilences(deps.store, deps.now())
  return {
    alerts: items.map((i) => ({ ...itemView(i), window_open: i.transition.modelId !== '' && open.has(windowKey(i.transition.modelId, i.transition.modelVersion, i.transition.windowStartMs)) })),
    silences: silences.map(silenceView),
  }
}

const windowKey = (modelId: string, modelVersion: string, startMs: number): string => JSON.stringify([modelId, modelVersion, startMs])

/**
 * The alerted windows that are open, as the models' windows say (window_summary's newest
 * evaluation, as the windows route and so the web UI's alerts page read it): an alert carries no open flag.
 */
async function openWindows(deps: Pick<ReadDeps, 'store'>, items: readonly AlertListItem[]): Promise<Set<string>> {
  const alerted = items.map((i) => i.transition).filter((t) => t.modelId !== '')
  if (alerted.length === 0) return new Set()
  const rows = await readRows<{ model_id: string; model_version: string; start: string }>(
    deps.store,
    `SELECT model_id, model_version, toUnixTimestamp64Milli(window_start) AS start FROM {db}.window_summary FINAL
     WHERE closed = 0 AND model_id IN {models:Array(String)} AND window_start >= fromUnixTimestamp64Milli({from:Int64})`,
    { models: [...new Set(alerted.map((t) => t.modelId))], from: minOf(alerted.map((t) => t.windowStartMs)) },
  )
  return new Set(rows.map((r) => windowKey(r.model_id, r.model_version, Number(r.start))))
}

function itemView({ transition: t, deliveries }: AlertListItem): Omit<AlertDeliveryItem, 'window_open'> {
  return {
    transition: {
      transition_id: t.transitionId, alert_key: t.alertKey, seq: t.seq, status: t.status, rule: t.rule, metric: t.metric, model: t.modelId,
      model_version: t.modelVersion, subject: t.subject, severity: t.severity, value: metricValue(t.value), threshold: metricValue(t.threshold),
      window_start: isoTime(t.windowStartMs), window_end: isoTime(t.windowEndMs), changed_at: isoTime(t.changedAtMs), details: t.details,
    },
    deliveries: deliveries.map((d) => ({
      channel: d.channel, status: d.status, attempts: d.attempts, next_attempt_at: isoTime(d.nextAttemptMs), last_error: d.lastError, in_doubt: d.inDoubt, idempotency_key: d.idempotencyKey,
    })),
  }
}

/** A silence as the API shows it: here, and in the answers of the silence routes (src/http/silence-routes.ts). */
export const silenceView = (s: Silence): SilenceView => ({
  id: s.id, rule: s.rule, model: s.modelId, starts_at: isoTime(s.startsMs), ends_at: isoTime(s.endsMs), reason: s.reason, created_by: s.createdBy,
})

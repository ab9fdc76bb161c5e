/**
 * The transition log (the `alerts` table): each key's current state is its newest row, and a
 * transition is "pending" until an outbox row carries its id (written in one INSERT with the
 * notification it belongs to, or as a 'skipped' row). So recording a transition and enqueueing
 * its notification are two steps, and a crash between them only leaves the transition pending:
 * the next pass enqueues it, with the same ids and therefore the same idempotency keys.
 */
import { createHash } from 'node:crypto'
import type { Store } from '../store/clickhouse.js'
import { insertRows } from '../store/insert.js'
import { float64 } from '../store/float64.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import type { AlertState, AlertStatus, Transition } from './lifecycle.js'
import { queryRows } from './sql.js'

/** Transitions older than this are never notified any more (e.g. held by a very long silence). */
export const PENDING_LOOKBACK_MS = 30 * 86_400_000

interface StateRow {
  alert_key: string
  status: AlertStatus
  seq: number
  tid: string
  t: string
}

export async function loadStates(store: Store): Promise<Map<string, AlertState>> {
  const rows = await queryRows<StateRow>(
    store,
    `SELECT alert_key, argMax(status, changed_at) AS status, argMax(seq, changed_at) AS seq, argMax(transition_id, changed_at) AS tid,
            toUnixTimestamp64Milli(max(changed_at)) AS t
     FROM {db}.alerts GROUP BY alert_key`,
  )
  return new Map(rows.map((r) => [r.alert_key, { alertKey: r.alert_key, status: r.status, seq: Number(r.seq), transitionId: r.tid, changedAtMs: Number(r.t) }]))
}

const num = (x: number | null) => (x === null ? 'nan' : Number.isFinite(x) ? x : Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf')

export async function recordTransitions(store: Store, transitions: readonly Transition[]): Promise<void> {
  if (transitions.length === 0) return
  // The pass's time is in the token, not only the transition ids: a pass that runs again after a
  // crash computes the same ids, and the engine may hold their token for an insert it never
  // committed (src/pipeline/replay-guard.ts), which would drop this one without an error. The
  // alerts read back say whether a transition is stored; the token only guards this one insert.
  const token = createHash('sha256').update(transitions.map((t) => `${t.transitionId}@${t.changedAtMs}`).join('\n')).digest('hex')
  await insertRows(store, 'alerts', transitions.map((t) => ({
    alert_key: t.alertKey,
    rule: t.rule,
    model_id: t.modelId,
    model_version: t.modelVersion,
    subject: t.subject,
    status: t.status,
    severity: t.severity,
    value: num(t.value),
    threshold: t.threshold,
    window_start: clickhouseDateTime64(t.windowStartMs),
    window_end: clickhouseDateTime64(t.windowEndMs),
    details: JSON.stringify({ details: t.details, ...(t.reason === undefined ? {} : { reason: t.reason }) }),
    changed_at: clickhouseDateTime64(t.changedAtMs),
    transition_id: t.transitionId,
    seq: t.seq,
    metric: t.metric,
  })), `alerts:${token}`)
}

interface TransitionRow {
  alert_key: string
  rule: string
  metric: string
  model_id: string
  model_version: string
  subject: string
  status: AlertStatus
  severity: string
  value: number | string | null
  threshold: number
  ws: string
  we: string
  details: string
  t: string
  transition_id: string
  seq: number
}

const storedValue = (x: unknown): number | null => {
  const v = float64(x)
  return v === null || Number.isNaN(v) ? null : v
}

/** The `details` column: { details, reason? } (reason: lifecycle.ts Transition.reason). */
const storedDetails = (json: string): { details: string[]; reason?: string } => {
  const d = JSON.parse(json || '{}') as { details?: string[]; reason?: string }
  return { details: d.details ?? [], ...(typeof d.reason === 'string' ? { reason: d.reason } : {}) }
}

/** A transition as read with TRANSITION_COLUMNS, with `{ quoteDenormals: true }` (../store/query.ts) so that ±∞ values survive. */
export const toTransition = (r: TransitionRow): Transition => ({
  transitionId: r.transition_id,
  alertKey: r.alert_key,
  seq: Number(r.seq),
  status: r.status,
  rule: r.rule,
  metric: r.metric,
  modelId: r.model_id,
  modelVersion: r.model_version,
  subject: r.subject,
  severity: r.severity,
  // Read with quoteDenormals: ±∞ stays a value, NaN (nothing to compare) is none.
  value: storedValue(r.value),
  threshold: Number(r.threshold),
  windowStartMs: Number(r.ws),
  windowEndMs: Number(r.we),
  changedAtMs: Number(r.t),
  ...storedDetails(r.details),
})

export const TRANSITION_COLUMNS = `alert_key, rule, metric, model_id, model_version, subject, status, severity, value, threshold,
  toUnixTimestamp64Milli(window_start) AS ws, toUnixTimestamp64Milli(window_end) AS we, details,
  toUnixTimestamp64Milli(changed_at) AS t, transition_id, seq`

/**
 * The newest transition of every key that is firing and whose rule is none of `rules` (the loaded
 * ones): the alerts nothing evaluates any more (rule-removal.ts). The newest as loadStates takes
 * it; deduplicated, since replays may repeat a row.
 */
export async function firingOfOtherRules(store: Store, rules: readonly string[]): Promise<Transition[]> {
  const rows = await queryRows<TransitionRow>(
    store,
    `SELECT ${TRANSITION_COLUMNS} FROM {db}.alerts
     WHERE (alert_key, changed_at) IN (SELECT alert_key, max(changed_at) FROM {db}.alerts GROUP BY alert_key)
       AND status = 'firing' AND NOT has({rules:Array(String)}, rule)
     ORDER BY rule, alert_key LIMIT 1 BY alert_key`,
    { rules },
    { quoteDenormals: true },
  )
  return rows.map(toTransition)
}

/**
 * Recorded transitions that no outbox row carries yet, oldest first (deduplicated: replays may
 * repeat a row). An outbox row is never created before its transitions, so both sides are
 * bounded by the same lookback.
 */
export async function pendingTransitions(store: Store, nowMs: number): Promise<Transition[]> {
  const rows = await queryRows<TransitionRow>(
    store,
    `SELECT ${TRANSITION_COLUMNS} FROM {db}.alerts
     WHERE changed_at >= fromUnixTimestamp64Milli({since:Int64}) AND transition_id != ''
       AND transition_id NOT IN (SELECT arrayJoin(transition_ids) FROM {db}.alert_outbox WHERE created_at >= fromUnixTimestamp64Milli({since:Int64}))
     ORDER BY changed_at, transition_id`,
    { since: nowMs - PENDING_LOOKBACK_MS },
    { quoteDenormals: true },
  )
  const seen = new Set<string>()
  return rows.filter((r) => !seen.has(r.transition_id) && seen.add(r.transition_id)).map(toTransition)
}

/** For the given keys: the transitions that were notified on a channel, and each key's newest firing notification time. */
export async function notificationIndex(store: Store, keys: readonly string[]): Promise<{ notified: Set<string>; lastFiringNotifiedMs: Map<string, number> }> {
  const notified = new Set<string>()
  const lastFiringNotifiedMs = new Map<string, number>()
  if (keys.length === 0) return { notified, lastFiringNotifiedMs }
  const rows = await queryRows<{ tid: string; transition: string; c: string }>(
    store,
    `SELECT tid, any(transition) AS transition, toUnixTimestamp64Milli(min(created_at)) AS c
     FROM {db}.alert_outbox ARRAY JOIN transition_ids AS tid
     WHERE channel != '' AND hasAny(alert_keys, {keys:Array(String)}) GROUP BY tid`,
    { keys },
  )
  for (const r of rows) {
    notified.add(r.tid)
    if (r.transition !== 'firing') continue
    const key = r.tid.slice(0, r.tid.lastIndexOf('#'))
    lastFiringNotifiedMs.set(key, Math.max(lastFiringNotifiedMs.get(key) ?? 0, Number(r.c)))
  }
  return { notified, lastFiringNotifiedMs }
}

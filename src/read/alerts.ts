/**
 * Alerts with their lifecycle: each alert key's current state (its newest transition), firing
 * ones always and resolved ones changed since `since`, newest change first, with the key's last
 * transitions. The transition log is src/alerts/history.ts's `alerts` table.
 *
 * A `model` filter names a known model (./deps.ts), or one with alerts (a model since removed from
 * driftwatch.yaml whose windows have expired keeps its alerts); any other is 404, so a misspelt
 * model is an error rather than "no alerts". Checked only when nothing matched: a model with
 * matching alerts has alerts.
 */
import { isKnownModel, unknownModel, type ReadDeps } from './deps.js'
import { decodeCursor, isoTime, optionalTime, page } from './params.js'
import { int, METRIC_VALUES, metricValue, readRows } from './sql.js'
import type { AlertView, Page } from './types.js'

export interface AlertListOptions {
  readonly status?: 'firing' | 'all'
  readonly since?: string
  readonly model?: string
  readonly limit?: number
  readonly cursor?: string
  /** Only the alerts of this window (the window detail). */
  readonly window?: { readonly version: string; readonly startMs: number }
}

const RECENT_MS = 7 * 86_400_000
const TRANSITIONS_SHOWN = 20

interface StateRow {
  alert_key: string
  rule: string
  metric: string
  model_id: string
  model_version: string
  subject: string
  severity: string
  status: 'firing' | 'resolved'
  value: number | string | null
  threshold: number | string | null
  start: string
  end: string
  changed: string
  details: string
}

const detailsOf = (json: string): string[] => {
  try {
    const d = (JSON.parse(json) as { details?: unknown }).details
    return Array.isArray(d) ? d.map(String) : []
  } catch {
    return []
  }
}

export async function listAlertViews(deps: ReadDeps, o: AlertListOptions = {}): Promise<Page<AlertView>> {
  const limit = o.limit ?? 100
  const since = optionalTime(o.since, 'since') ?? deps.now() - RECENT_MS
  const params: Record<string, unknown> = { since, lim: limit + 1 }
  const inner = ["transition_id != ''"]
  const outer = [o.status === 'firing' ? "last_status = 'firing'" : "(last_status = 'firing' OR changed >= {since:Int64})"]
  if (o.model !== undefined) (inner.push('model_id = {m:String}'), (params['m'] = o.model))
  if (o.window) {
    outer.push('last_model_version = {wv:String} AND start = {ws:Int64}')
    Object.assign(params, { wv: o.window.version, ws: o.window.startMs })
  }
  if (o.cursor !== undefined) {
    const [ct, ck] = decodeCursor(o.cursor, ['number', 'string'] as const)
    outer.push('(changed < {ct:Int64} OR (changed = {ct:Int64} AND alert_key > {ck:String}))')
    Object.assign(params, { ct, ck })
  }
  // Aliases differ from column names: ClickHouse would substitute an alias into WHERE.
  const latest = (c: string) => `argMax(${c}, changed_at) AS last_${c}`
  const states = await readRows<StateRow>(
    deps.store,
    `SELECT alert_key, last_rule AS rule, last_metric AS metric, last_model_id AS model_id, last_model_version AS model_version, last_subject AS subject,
            last_severity AS severity, last_status AS status, last_value AS value, last_threshold AS threshold, last_details AS details, start, end, changed
     FROM (
       SELECT alert_key, ${['rule', 'metric', 'model_id', 'model_version', 'subject', 'severity', 'status', 'value', 'threshold', 'details'].map(latest).join(', ')},
              toUnixTimestamp64Milli(argMax(window_start, changed_at)) AS start, toUnixTimestamp64Milli(argMax(window_end, changed_at)) AS end,
              toUnixTimestamp64Milli(max(changed_at)) AS changed
       FROM {db}.alerts WHERE ${inner.join(' AND ')} GROUP BY alert_key)
     WHERE ${outer.join(' AND ')}
     ORDER BY changed DESC, alert_key LIMIT {lim:UInt32}`,
    params,
    METRIC_VALUES,
  )
  if (states.length === 0 && o.model !== undefined && o.window === undefined) await assertAlertModel(deps, o.model)
  const paged = page(states, limit, (s) => [int(s.changed), s.alert_key])
  const keys = paged.items.map((s) => s.alert_key)
  const transitions = keys.length === 0 ? [] : await readRows<{ alert_key: string; seq: number; status: string; changed: string; start: string; value: number | string | null }>(
    deps.store,
    `SELECT alert_key, seq, status, toUnixTimestamp64Milli(changed_at) AS changed, toUnixTimestamp64Milli(window_start) AS start, value
     FROM (SELECT * FROM {db}.alerts WHERE alert_key IN {keys:Array(String)} AND transition_id != '' ORDER BY changed_at DESC LIMIT 1 BY transition_id)
     ORDER BY alert_key, changed DESC LIMIT ${TRANSITIONS_SHOWN} BY alert_key`,
    { keys },
    METRIC_VALUES,
  )
  const items = paged.items.map((s): AlertView => {
    const mine = transitions.filter((t) => t.alert_key === s.alert_key)
    const fired = mine.find((t) => t.status === 'firing')
    return {
      alert_key: s.alert_key,
      rule: s.rule,
      metric: s.metric,
      model: s.model_id,
      model_version: s.model_version,
      subject: s.subject,
      severity: s.severity,
      status: s.status,
      value: metricValue(s.value),
      threshold: metricValue(s.threshold),
      window_start: isoTime(int(s.start)),
      window_end: isoTime(int(s.end)),
      fired_at: isoTime(fired ? int(fired.changed) : int(s.changed)),
      resolved_at: s.status === 'resolved' ? isoTime(int(s.changed)) : null,
      changed_at: isoTime(int(s.changed)),
      details: detailsOf(s.details),
      transitions: mine.map((t) => ({ seq: int(t.seq), status: t.status, changed_at: isoTime(int(t.changed)), window_start: isoTime(int(t.start)), value: metricValue(t.value) })),
    }
  })
  return { items, next_cursor: paged.next_cursor }
}

async function assertAlertModel(deps: ReadDeps, model: string): Promise<void> {
  if (await isKnownModel(deps, model)) return
  const rows = await readRows(deps.store, "SELECT 1 FROM {db}.alerts WHERE model_id = {m:String} AND transition_id != '' LIMIT 1", { m: model })
  if (rows.length === 0) throw unknownModel(model, 'alerts')
}

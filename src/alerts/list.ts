/**
 * What `driftwatch alerts list` shows: each alert key's current state (its newest transition)
 * with the delivery status of that transition on every channel, or the transition history.
 */
import type { Store } from '../store/clickhouse.js'
import { TRANSITION_COLUMNS, toTransition } from './history.js'
import type { Transition } from './lifecycle.js'
import { rowsForTransitions, type OutboxRow } from './outbox.js'
import { queryRows } from './sql.js'

export interface AlertListItem {
  readonly transition: Transition
  readonly deliveries: readonly Pick<OutboxRow, 'channel' | 'status' | 'attempts' | 'nextAttemptMs' | 'lastError' | 'inDoubt' | 'idempotencyKey'>[]
}

export interface ListOptions {
  /** Resolved keys too (default: firing only). */
  readonly all?: boolean
  /** Every transition since this time instead of each key's current state. */
  readonly historySinceMs?: number
  readonly model?: string
  readonly rule?: string
}

export async function listAlerts(store: Store, o: ListOptions = {}): Promise<AlertListItem[]> {
  const filters = ["transition_id != ''"]
  if (o.model !== undefined) filters.push('model_id = {model:String}')
  if (o.rule !== undefined) filters.push('rule = {rule:String}')
  let sql: string
  if (o.historySinceMs !== undefined) {
    filters.push('changed_at >= fromUnixTimestamp64Milli({since:Int64})')
    sql = `SELECT ${TRANSITION_COLUMNS} FROM {db}.alerts WHERE ${filters.join(' AND ')} ORDER BY changed_at DESC, alert_key LIMIT 1 BY transition_id`
  } else {
    if (!o.all) filters.push("status = 'firing'")
    sql = `SELECT ${TRANSITION_COLUMNS} FROM {db}.alerts
           WHERE (alert_key, changed_at) IN (SELECT alert_key, max(changed_at) FROM {db}.alerts GROUP BY alert_key) AND ${filters.join(' AND ')}
           ORDER BY status = 'firing' DESC, severity, rule, model_id, model_version, subject LIMIT 1 BY transition_id`
  }
  const transitions = (await queryRows<Parameters<typeof toTransition>[0]>(store, sql, { model: o.model, rule: o.rule, since: o.historySinceMs }, { quoteDenormals: true })).map(toTransition)
  const rows = await rowsForTransitions(store, transitions.map((t) => t.transitionId))
  return transitions.map((t) => ({
    transition: t,
    deliveries: rows.filter((r) => r.transitionIds.includes(t.transitionId)).map((r) => ({
      channel: r.channel, status: r.status, attempts: r.attempts, nextAttemptMs: r.nextAttemptMs, lastError: r.lastError, inDoubt: r.inDoubt, idempotencyKey: r.idempotencyKey,
    })),
  }))
}

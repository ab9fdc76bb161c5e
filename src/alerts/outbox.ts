/**
 * The persistent outbox (alert_outbox, ReplacingMergeTree(version), newest version wins).
 * Creation rows have version 0 and status changes re-insert the whole row under a higher
 * version, so enqueueing the same notification again after a crash is a no-op for the status:
 * it can never reset a 'sent' row to 'pending'.
 */
import { createHash } from 'node:crypto'
import type { ChannelName } from '../rules/schema.js'
import type { Store } from '../store/clickhouse.js'
import { insertRows } from '../store/insert.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import type { Notification } from './notification.js'
import { encodeNotification, idempotencyKey } from './notification.js'
import { queryRows } from './sql.js'

/**
 * 'unknown': given up with the delivery unknown: attempts timed out (or lost their connection)
 * after sending, as many times as a row is re-sent in doubt (delivery-failure.ts); the receiver
 * may or may not have it. Settled, like 'sent', 'failed' and 'skipped'.
 */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'unknown' | 'skipped'

export interface OutboxRow {
  readonly idempotencyKey: string
  readonly channel: ChannelName | ''
  readonly transitionIds: readonly string[]
  readonly alertKeys: readonly string[]
  readonly rule: string
  readonly modelId: string
  readonly modelVersion: string
  readonly transition: string
  readonly windowStartMs: number
  readonly payload: string
  readonly status: OutboxStatus
  readonly attempts: number
  readonly inDoubt: boolean
  readonly nextAttemptMs: number
  readonly lastError: string
  readonly createdMs: number
  readonly updatedMs: number
  /** The row's version: 0 when created, then strictly increasing with every status change. */
  readonly version: number
}

const keysOf = (ids: readonly string[]) => [...new Set(ids.map((id) => id.slice(0, id.lastIndexOf('#'))))]

/** One pending row per channel for a notification. */
export function notificationRows(n: Notification, channels: readonly ChannelName[]): OutboxRow[] {
  return channels.map((channel) => ({
    idempotencyKey: idempotencyKey(channel, n.transitionIds),
    channel,
    transitionIds: n.transitionIds,
    alertKeys: keysOf(n.transitionIds),
    rule: n.rule,
    modelId: n.modelId,
    modelVersion: n.modelVersion,
    transition: n.status,
    windowStartMs: n.windowStartMs,
    payload: encodeNotification(n),
    status: 'pending',
    attempts: 0,
    inDoubt: false,
    nextAttemptMs: n.createdAtMs,
    lastError: '',
    createdMs: n.createdAtMs,
    updatedMs: n.createdAtMs,
    version: 0,
  }))
}

/**
 * A row recording that these transitions are deliberately not notified: the notification policy
 * decided so (notify-policy.ts), or the rule names no channel. Never for a channel this instance
 * lacks: that channel's row is created pending, for a leader that has it (service.ts).
 */
export function skippedRow(transitionIds: readonly string[], meta: { rule: string; modelId: string; modelVersion: string; transition: string; windowStartMs: number }, reason: string, nowMs: number): OutboxRow {
  return {
    idempotencyKey: idempotencyKey('', transitionIds), channel: '', transitionIds, alertKeys: keysOf(transitionIds), ...meta,
    payload: '', status: 'skipped', attempts: 0, inDoubt: false, nextAttemptMs: nowMs, lastError: reason, createdMs: nowMs, updatedMs: nowMs, version: 0,
  }
}

const toDb = (r: OutboxRow) => ({
  idempotency_key: r.idempotencyKey,
  channel: r.channel,
  transition_ids: r.transitionIds,
  alert_keys: r.alertKeys,
  rule: r.rule,
  model_id: r.modelId,
  model_version: r.modelVersion,
  transition: r.transition,
  window_start: clickhouseDateTime64(r.windowStartMs),
  payload: r.payload,
  status: r.status,
  attempts: r.attempts,
  in_doubt: r.inDoubt ? 1 : 0,
  next_attempt_at: clickhouseDateTime64(r.nextAttemptMs),
  last_error: r.lastError.slice(0, 2000),
  created_at: clickhouseDateTime64(r.createdMs),
  updated_at: clickhouseDateTime64(r.updatedMs),
  version: r.version,
})

/** All rows of one enqueue go in one INSERT: a notification is on every channel, or on none yet. */
export async function enqueue(store: Store, rows: readonly OutboxRow[]): Promise<void> {
  if (rows.length === 0) return
  // With the rows' creation time: an enqueue that runs again after a crash has the same keys, and
  // the engine may hold their token for an insert it never committed (src/pipeline/replay-guard.ts).
  // A second creation of a stored row is harmless (version 0 never wins over a status).
  const token = createHash('sha256').update(rows.map((r) => `${r.idempotencyKey}@${r.createdMs}`).sort().join('\n')).digest('hex')
  await insertRows(store, 'alert_outbox', rows.map((r) => toDb({ ...r, version: 0 })), `outbox:create:${token}`)
}

/**
 * Stores a status change. The caller gives the row a version above the one it read (not just
 * the clock's time): a clock that stepped back after a restart cannot make a change lose.
 */
export async function recordStatus(store: Store, row: OutboxRow): Promise<void> {
  await insertRows(store, 'alert_outbox', [toDb(row)], `outbox:${row.idempotencyKey}:${row.version}`)
}

interface DbRow {
  idempotency_key: string
  channel: ChannelName | ''
  transition_ids: string[]
  alert_keys: string[]
  rule: string
  model_id: string
  model_version: string
  transition: string
  ws: string
  payload: string
  status: OutboxStatus
  attempts: number
  in_doubt: number
  na: string
  last_error: string
  c: string
  u: string
  version: string
}

const fromDb = (r: DbRow): OutboxRow => ({
  idempotencyKey: r.idempotency_key, channel: r.channel, transitionIds: r.transition_ids, alertKeys: r.alert_keys, rule: r.rule,
  modelId: r.model_id, modelVersion: r.model_version, transition: r.transition, windowStartMs: Number(r.ws), payload: r.payload,
  status: r.status, attempts: Number(r.attempts), inDoubt: Number(r.in_doubt) === 1, nextAttemptMs: Number(r.na),
  lastError: r.last_error, createdMs: Number(r.c), updatedMs: Number(r.u), version: Number(r.version),
})

const COLUMNS = `idempotency_key, channel, transition_ids, alert_keys, rule, model_id, model_version, transition,
  toUnixTimestamp64Milli(window_start) AS ws, payload, status, attempts, in_doubt, toUnixTimestamp64Milli(next_attempt_at) AS na,
  last_error, toUnixTimestamp64Milli(created_at) AS c, toUnixTimestamp64Milli(updated_at) AS u, version`

/** Undelivered rows of a channel in creation order (`dueRows` orders each alert key by its transition sequence). */
export async function openRows(store: Store, channel: ChannelName): Promise<OutboxRow[]> {
  const rows = await queryRows<DbRow>(
    store,
    `SELECT ${COLUMNS} FROM {db}.alert_outbox FINAL WHERE channel = {channel:String} AND status IN ('pending', 'sending')
     ORDER BY created_at, idempotency_key`,
    { channel },
  )
  return rows.map(fromDb)
}

/**
 * Which of a channel's open rows (in `openRows` order) may be attempted now. Order is promised
 * per alert key, so that a resolve never overtakes its firing: a row waits while another open
 * row sharing one of its alert keys comes before it on that key (in flight, or waiting to retry:
 * every open row is unsettled), and a row that waits holds back the rows after it on its keys in
 * turn. A resolve grouped with other keys than its firing was, or a key firing again, therefore
 * stays behind everything that went before it. Rows with no key in common are not ordered: one
 * that waits holds up none of them.
 *
 * "Before on a key" is the key's transition sequence (`<key>#<seq>`), not created_at: created_at
 * is the enqueuing leader's wall clock, and after a handover to a leader whose clock is behind, a
 * resolve would sort before the firing it resolves. Sequences come from the key's own history and
 * grow whichever instance records them. Rows with the same sequence of a key keep `openRows` order.
 * `due` keeps `openRows` order (oldest first). `wakeAtMs` is when the first row held only by its
 * own retry time becomes due (null: none is). A row whose `nextAttemptMs` is Infinity is never
 * due here and wakes nothing, but still comes first on its keys (the lane's rows it cannot send).
 */
export function dueRows(rows: readonly OutboxRow[], nowMs: number, inFlight: ReadonlySet<string>): { due: OutboxRow[]; wakeAtMs: number | null } {
  const seqs = rows.map(keySeqs)
  // Per key, the open row that comes first: the lowest sequence, then the earliest read.
  const head = new Map<string, { seq: number; at: number }>()
  seqs.forEach((bySeq, at) => {
    for (const [k, seq] of bySeq) {
      const h = head.get(k)
      if (!h || seq < h.seq) head.set(k, { seq, at })
    }
  })
  const due: OutboxRow[] = []
  let wakeAtMs: number | null = null
  rows.forEach((row, at) => {
    const behind = inFlight.has(row.idempotencyKey) || [...seqs[at]!.keys()].some((k) => head.get(k)!.at !== at)
    if (behind) return
    if (row.nextAttemptMs <= nowMs) due.push(row)
    else if (Number.isFinite(row.nextAttemptMs)) wakeAtMs = Math.min(wakeAtMs ?? row.nextAttemptMs, row.nextAttemptMs)
  })
  return { due, wakeAtMs }
}

/** A row's alert keys with the sequence of its transition of each (Infinity when no id says it: last). */
function keySeqs(row: OutboxRow): Map<string, number> {
  const out = new Map<string, number>()
  for (const k of row.alertKeys.length > 0 ? row.alertKeys : keysOf(row.transitionIds)) out.set(k, Infinity)
  for (const id of row.transitionIds) {
    const at = id.lastIndexOf('#')
    const k = id.slice(0, at)
    const seq = Number(id.slice(at + 1))
    if (out.has(k) && Number.isFinite(seq)) out.set(k, Math.min(out.get(k)!, seq))
  }
  return out
}

/**
 * Which of these transitions another row of the channel has already delivered. Two leaders' passes
 * that overlapped (a stall between the lease check and the enqueue) may group a transition into
 * two notifications with different idempotency keys; `dueRows` sends such rows one after the
 * other (same key, same sequence), and the second one leaves out what the first delivered.
 */
export async function sentTransitions(store: Store, channel: ChannelName, row: OutboxRow): Promise<Set<string>> {
  const rows = await queryRows<{ transition_ids: string[] }>(
    store,
    `SELECT transition_ids FROM {db}.alert_outbox FINAL
     WHERE channel = {channel:String} AND status = 'sent' AND idempotency_key != {key:String} AND hasAny(transition_ids, {ids:Array(String)})`,
    { channel, key: row.idempotencyKey, ids: row.transitionIds },
  )
  const mine = new Set(row.transitionIds)
  return new Set(rows.flatMap((r) => r.transition_ids).filter((id) => mine.has(id)))
}

/** Every row carrying one of these transitions (delivery status for `alerts list`). */
export async function rowsForTransitions(store: Store, transitionIds: readonly string[]): Promise<OutboxRow[]> {
  if (transitionIds.length === 0) return []
  const rows = await queryRows<DbRow>(
    store,
    `SELECT ${COLUMNS} FROM {db}.alert_outbox FINAL WHERE hasAny(transition_ids, {ids:Array(String)}) ORDER BY created_at, channel`,
    { ids: transitionIds },
  )
  return rows.map(fromDb)
}

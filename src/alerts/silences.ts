/**
 * Silences: from `driftwatch alerts mute` (the alert_silences table) and from rule files
 * (`silences:`). A silence matches a rule, a model, or a rule of a model, for a period. While
 * it matches, firing and resolve notifications are held (the transitions are still recorded);
 * when it ends, whatever is still true is notified.
 */
import { randomUUID } from 'node:crypto'
import { DriftwatchError } from '../errors.js'
import type { FileSilence } from '../rules/schema.js'
import type { Store } from '../store/clickhouse.js'
import { insertRows } from '../store/insert.js'
import { nextRowVersion } from '../store/row-version.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import type { ActiveSilence } from './notify-policy.js'
import { queryRows } from './sql.js'

export interface Silence extends ActiveSilence {
  readonly reason: string
  readonly createdBy: string
  readonly source: 'cli' | 'file'
}

export function fileSilences(silences: readonly FileSilence[]): Silence[] {
  return silences.map((s, i) => ({
    id: `file:${i + 1}`,
    rule: s.rule ?? '',
    modelId: s.model ?? '',
    startsMs: s.from ?? 0,
    endsMs: s.until,
    reason: s.reason,
    createdBy: 'rule file',
    source: 'file',
  }))
}

interface Row {
  id: string
  rule: string
  model_id: string
  s: string
  e: string
  reason: string
  created_by: string
}

/** Stored silences that have not ended by `nowMs` (including ones that start later). */
export async function storedSilences(store: Store, nowMs: number): Promise<Silence[]> {
  const rows = await queryRows<Row>(
    store,
    `SELECT id, rule, model_id, toUnixTimestamp64Milli(starts_at) AS s, toUnixTimestamp64Milli(ends_at) AS e, reason, created_by
     FROM {db}.alert_silences FINAL WHERE ends_at > fromUnixTimestamp64Milli({now:Int64}) ORDER BY starts_at, id`,
    { now: nowMs },
  )
  return rows.map((r) => ({ id: r.id, rule: r.rule, modelId: r.model_id, startsMs: Number(r.s), endsMs: Number(r.e), reason: r.reason, createdBy: r.created_by, source: 'cli' }))
}

const row = (s: Silence, version: number) => ({
  id: s.id,
  rule: s.rule,
  model_id: s.modelId,
  starts_at: clickhouseDateTime64(s.startsMs),
  ends_at: clickhouseDateTime64(s.endsMs),
  reason: s.reason,
  created_by: s.createdBy,
  version,
})

/**
 * The latest end a stored silence may have. Its row expires `retention.metrics` after it ends
 * (src/store/retention.ts), in ClickHouse's DateTime, which ends in 2106: with the longest
 * retention (20000d) an end after this would wrap and expire the silence as it is stored.
 */
export const SILENCE_END_MAX_MS = Date.UTC(2051, 0, 1)

/** A silence to store, as `driftwatch alerts mute` and POST /v1/alerts/silences ask for it ('' for any rule or model). */
export interface NewSilence {
  readonly rule: string
  readonly modelId: string
  readonly startsMs: number
  readonly endsMs: number
  readonly reason: string
  readonly createdBy: string
}

/**
 * What writes silences, on the process that holds the store: `driftwatch alerts mute | unmute`
 * on a store it opened, or the running `driftwatch start` for the same commands through its API
 * (src/http/silence-routes.ts). One implementation (src/cli/mute-targets.ts silenceWrites), so
 * both answer alike.
 */
export interface SilenceWrites {
  /** Stores `s`; DW_CONFIG_INVALID when it names a rule or model nobody knows. */
  mute(s: NewSilence, nowMs: number): Promise<Silence>
  /** Ends the active silences `match` selects; DW_NOT_FOUND when there is none. */
  unmute(match: SilenceMatch, nowMs: number): Promise<Silence[]>
}

export async function addSilence(store: Store, s: NewSilence, nowMs: number): Promise<Silence> {
  const silence: Silence = { id: randomUUID().slice(0, 8), ...s, source: 'cli' }
  await insertRows(store, 'alert_silences', [row(silence, nowMs)], `silence:${silence.id}:${nowMs}`)
  return silence
}

/**
 * Ends the given silences now (a newer version with ends_at = now). The version outranks every
 * stored version of the silence, not only the clock: the mute's version is the muting host's
 * clock, and an unmute from a host whose clock is behind would otherwise lose and do nothing.
 */
export async function endSilences(store: Store, silences: readonly Silence[], nowMs: number): Promise<void> {
  if (silences.length === 0) return
  const stored = await queryRows<{ id: string; v: string }>(
    store,
    'SELECT id, toString(max(version)) AS v FROM {db}.alert_silences WHERE id IN {ids:Array(String)} GROUP BY id',
    { ids: silences.map((s) => s.id) },
  )
  const storedVersion = new Map(stored.map((r) => [r.id, Number(r.v)]))
  const rows = silences.map((s) => row({ ...s, startsMs: Math.min(s.startsMs, nowMs), endsMs: nowMs }, nextRowVersion(nowMs, 0, storedVersion.get(s.id) ?? 0)))
  await insertRows(store, 'alert_silences', rows, `unmute:${rows.map((r) => `${r.id}@${r.version}`).join(',')}`)
}

/** Why an end is refused (`given`: how it was asked for, e.g. `--for 60000d`, `duration 60000d`); see SILENCE_END_MAX_MS. */
export const silenceEndTooLate = (given: string) =>
  `a silence must end by ${new Date(SILENCE_END_MAX_MS).toISOString()} (its row expires retention.metrics after it ends, in ClickHouse's DateTime, which ends in 2106), got ${given}; to stop a rule for good, remove it from the rules file`

/** Which active stored silences an unmute ends: the one with `id`, else every one of `rule` and/or `model`. */
export interface SilenceMatch {
  readonly id?: string | undefined
  readonly rule?: string | undefined
  readonly model?: string | undefined
}

/** "rule r of model m", "rule r" or "model m": how the commands and their errors name a silence's targets. */
export const describeTargets = (rule: string, model: string) => [rule && `rule ${rule}`, model && `model ${model}`].filter(Boolean).join(' of ')

/**
 * Ends the active stored silences `match` selects (`driftwatch alerts unmute`, DELETE
 * /v1/alerts/silences). None: DW_NOT_FOUND, an id or a name mistyped, which is the user's to correct.
 */
export async function endMatchingSilences(store: Store, match: SilenceMatch, nowMs: number): Promise<Silence[]> {
  const matching = (await storedSilences(store, nowMs)).filter((s) =>
    match.id ? s.id === match.id : (match.rule === undefined || s.rule === match.rule) && (match.model === undefined || s.modelId === match.model))
  if (matching.length === 0) {
    const what = match.id ? `has the id "${match.id.slice(0, 256)}"` : `mutes ${describeTargets(match.rule ?? '', match.model ?? '')}`
    throw new DriftwatchError('DW_NOT_FOUND', `no active silence ${what}: \`driftwatch alerts list\` shows the active silences and their ids (silences from rule files end by editing the file)`)
  }
  await endSilences(store, matching, nowMs)
  return matching
}

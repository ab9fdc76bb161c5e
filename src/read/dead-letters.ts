/**
 * The dead letters of a time range (processing time, `dead_lettered_at`): how many, by source
 * topic, error code and model, and the most recent ones with their reason and source offsets.
 * Deduplicated (FINAL): a replayed batch's dead letters count once. The raw key and value
 * prefixes are left out unless asked for (`raw`; the HTTP route allows it to admin tokens only):
 * they are the producer's payload, personal data included.
 *
 * The model of a dead letter is not stored: it is read from the stored value prefix when that is
 * a prediction in the Confluent wire format (src/ingest/wire-format.ts) whose first two Avro
 * fields are strings, as the contract orders them (schemas/prediction-event.avsc: prediction_id,
 * model_id): 0x00, 4-byte schema id, then each string as a zigzag varint length and its bytes.
 * Lengths below 8192 (one or two varint bytes) are read; anything else, a record that failed to
 * decode (DW_DECODE_*: its schema is unknown), a label (labels carry no model; an orphan label's
 * value is JSON) or a value that is not well-formed UTF-8 gives model ''. The predictions topic is
 * `<prefix>predictions` (src/config/env.ts), the labels topic `<prefix>ground-truth`.
 *
 * A `model` filter is '' (the dead letters without a model) or a model known (./deps.ts), with
 * stored predictions, or with dead letters, at any time; any other is 404, so a misspelt model is
 * an error rather than "no dead letters". Checked only when the range holds nothing of it.
 */
import { isoTime, parseBound } from './params.js'
import { isKnownModel, unknownModel, type ReadDeps } from './deps.js'
import { DriftwatchError } from '../errors.js'
import { int, readRows } from './sql.js'
import type { DeadLetterCount, DeadLetterReport, DeadLetterView } from './types.js'

export const DEFAULT_RANGE_MS = 24 * 3_600_000
/**
 * The code of an orphan-label notice (docs/events.md, "Rejections and orphan-label notices"): the
 * evaluator writes it for a label that IS stored and has no stored prediction; every other code
 * is a rejection (the record was not stored). `notices` counts them apart from the rejections.
 */
export const ORPHAN_NOTICE = 'DW_ORPHAN_LABEL'
/** Groups of (topic, code, model) returned at most; counts_truncated says when there were more. */
export const MAX_COUNT_GROUPS = 1000

export interface DeadLetterOptions {
  readonly from?: string
  readonly to?: string
  readonly topic?: string
  readonly code?: string
  readonly model?: string
  /** How many of the most recent dead letters to list (default 50). */
  readonly limit?: number
  /** Add the stored key and value prefixes (base64) to the listed dead letters. */
  readonly raw?: boolean
}

/** Base64 characters of the value read for the model: 2100 bytes, enough for a 256-character id on each side. */
const MODEL_PREFIX_CHARS = 2800

/** The model id in a dead letter's value prefix, or '' (see the header): a WITH clause, then the expression. */
const MODEL_WITH = `WITH base64Decode(substring(raw_value_base64, 1, ${MODEL_PREFIX_CHARS})) AS v,
    reinterpretAsUInt8(substring(v, 6, 1)) AS a0, reinterpretAsUInt8(substring(v, 7, 1)) AS a1,
    if(a0 < 128, toUInt32(a0), toUInt32(bitAnd(a0, 127)) + toUInt32(a1) * 128) AS z1,
    toUInt32(6) + if(a0 < 128, 1, 2) + intDiv(z1, 2) AS p2,
    reinterpretAsUInt8(substring(v, p2, 1)) AS b0, reinterpretAsUInt8(substring(v, p2 + 1, 1)) AS b1,
    if(b0 < 128, toUInt32(b0), toUInt32(bitAnd(b0, 127)) + toUInt32(b1) * 128) AS z2,
    p2 + if(b0 < 128, 1, 2) AS p3,
    substring(v, p3, intDiv(z2, 2)) AS m`
const MODEL_EXPR = `if(endsWith(source_topic, 'predictions') AND NOT startsWith(error_code, 'DW_DECODE_')
      AND length(v) > 5 AND reinterpretAsUInt8(substring(v, 1, 1)) = 0
      AND (a0 < 128 OR a1 < 128) AND (b0 < 128 OR b1 < 128) AND z1 % 2 = 0 AND z2 % 2 = 0 AND z2 > 0
      AND p3 + intDiv(z2, 2) - 1 <= length(v) AND isValidUTF8(m) AND NOT match(m, '[\\\\x00-\\\\x1f\\\\x7f]'), m, '')`

/** `from` and `to` of the query: `to` defaults to now, `from` to a day before `to`. */
export function deadLetterRange(deps: Pick<ReadDeps, 'now'>, from: string | undefined, to: string | undefined): { from: number; to: number } {
  const toMs = to === undefined ? deps.now() : parseBound(to, 'to')
  const fromMs = from === undefined ? toMs - DEFAULT_RANGE_MS : parseBound(from, 'from')
  if (fromMs > toMs) throw new DriftwatchError('DW_VALIDATION_FAILED', `from: ${isoTime(fromMs)} is after to (${isoTime(toMs)})`, { path: 'from' })
  return { from: fromMs, to: toMs }
}

interface CountRow { topic: string; code: string; model: string; c: string; first_ms: string; last_ms: string }
interface RecentRow {
  topic: string; part: number; off: string; code: string; message: string; model: string
  key_bytes: number; value_bytes: number; dlq_truncated: string; at: string; raw_key_base64: string; raw_value_base64: string
}

export async function deadLetterReport(deps: ReadDeps, o: DeadLetterOptions = {}): Promise<DeadLetterReport> {
  const range = deadLetterRange(deps, o.from, o.to)
  const limit = o.limit ?? 50
  const params = { from: range.from, to: range.to, topic: o.topic, code: o.code, model: o.model, limit, groups: MAX_COUNT_GROUPS + 1 }
  // The model is computed in the inner query so the outer one can filter and group by it.
  const filtered = `${MODEL_WITH} SELECT *, ${MODEL_EXPR} AS model FROM {db}.dead_letters FINAL
    WHERE dead_lettered_at >= fromUnixTimestamp64Milli({from:Int64}) AND dead_lettered_at < fromUnixTimestamp64Milli({to:Int64})
      ${o.topic === undefined ? '' : 'AND source_topic = {topic:String}'} ${o.code === undefined ? '' : 'AND error_code = {code:String}'}`
  const modelFilter = o.model === undefined ? '' : 'WHERE model = {model:String}'
  const [counts, recent, stored] = await Promise.all([
    readRows<CountRow>(deps.store, `SELECT source_topic AS topic, error_code AS code, model, count() AS c,
        toUnixTimestamp64Milli(min(dead_lettered_at)) AS first_ms, toUnixTimestamp64Milli(max(dead_lettered_at)) AS last_ms
      FROM (${filtered}) ${modelFilter} GROUP BY topic, code, model ORDER BY c DESC, topic, code, model LIMIT {groups:UInt32}`, params),
    readRows<RecentRow>(deps.store, `SELECT source_topic AS topic, source_partition AS part, toString(source_offset) AS off, error_code AS code,
        error_message AS message, model, raw_key_bytes AS key_bytes, raw_value_bytes AS value_bytes, dlq_truncated,
        toUnixTimestamp64Milli(dead_lettered_at) AS at, ${o.raw ? 'raw_key_base64, raw_value_base64' : "'' AS raw_key_base64, '' AS raw_value_base64"}
      FROM (${filtered}) ${modelFilter} ORDER BY dead_lettered_at DESC, topic, part, source_offset DESC LIMIT {limit:UInt32}`, params),
    // Stored records ingested in the range, counted as the dlq-rate alert counts them (src/alerts/dlq-rate.ts).
    readRows<{ c: string }>(deps.store, `SELECT ${storedCounts(o)} AS c`, params),
  ])
  if (o.model !== undefined && o.model !== '' && counts.length === 0 && int(stored[0]?.c ?? '0') === 0) await assertDeadLetterModel(deps, o.model)
  const shown = counts.slice(0, MAX_COUNT_GROUPS)
  // With more groups than shown the totals are still exact: they are summed over every group in SQL below.
  const totals = counts.length > MAX_COUNT_GROUPS ? await totalsOf(deps, filtered, modelFilter, params) : {
    total: shown.reduce((s, r) => s + int(r.c), 0),
    notices: shown.reduce((s, r) => s + (r.code === ORPHAN_NOTICE ? int(r.c) : 0), 0),
  }
  return {
    from: isoTime(range.from),
    to: isoTime(range.to),
    total: totals.total,
    notices: totals.notices,
    counts: shown.map((r): DeadLetterCount => ({ topic: r.topic, code: r.code, model: r.model, count: int(r.c), first_at: isoTime(int(r.first_ms)), last_at: isoTime(int(r.last_ms)) })),
    counts_truncated: counts.length > MAX_COUNT_GROUPS,
    recent: recent.map((r): DeadLetterView => ({
      topic: r.topic, partition: Number(r.part), offset: r.off, code: r.code, message: r.message, model: r.model,
      key_bytes: Number(r.key_bytes), value_bytes: Number(r.value_bytes), dlq_truncated: r.dlq_truncated, dead_lettered_at: isoTime(int(r.at)),
      ...(o.raw ? { raw_key_base64: r.raw_key_base64, raw_value_base64: r.raw_value_base64 } : {}),
    })),
    stored: int(stored[0]?.c ?? '0'),
  }
}

/**
 * The stored records the dead letters are compared with, narrowed as they are where the rows
 * allow: by topic (predictions or labels), and by model to that model's predictions (labels carry
 * no model). Not by code: a stored record has none.
 */
function storedCounts(o: DeadLetterOptions): string {
  const inRange = 'ingested_at >= fromUnixTimestamp64Milli({from:Int64}) AND ingested_at < fromUnixTimestamp64Milli({to:Int64})'
  const counts: string[] = []
  if (o.topic === undefined || o.topic.endsWith('predictions')) {
    counts.push(`(SELECT count() FROM {db}.predictions WHERE ${inRange}${o.model === undefined ? '' : ' AND model_id = {model:String}'})`)
  }
  if ((o.topic === undefined || o.topic.endsWith('ground-truth')) && o.model === undefined) counts.push(`(SELECT count() FROM {db}.ground_truth WHERE ${inRange})`)
  return counts.length === 0 ? '0' : counts.join(' + ')
}

async function totalsOf(deps: ReadDeps, filtered: string, modelFilter: string, params: Record<string, unknown>): Promise<{ total: number; notices: number }> {
  const rows = await readRows<{ c: string; o: string }>(deps.store,
    `SELECT count() AS c, countIf(error_code = {orphan:String}) AS o FROM (${filtered}) ${modelFilter}`, { ...params, orphan: ORPHAN_NOTICE })
  return { total: int(rows[0]?.c ?? '0'), notices: int(rows[0]?.o ?? '0') }
}

async function assertDeadLetterModel(deps: ReadDeps, model: string): Promise<void> {
  if (await isKnownModel(deps, model)) return
  const [predictions, deadLetters] = await Promise.all([
    readRows(deps.store, 'SELECT 1 FROM {db}.predictions WHERE model_id = {model:String} LIMIT 1', { model }),
    readRows(deps.store, `${MODEL_WITH} SELECT 1 FROM {db}.dead_letters WHERE ${MODEL_EXPR} = {model:String} LIMIT 1`, { model }),
  ])
  if (predictions.length === 0 && deadLetters.length === 0) throw unknownModel(model, 'predictions or dead letters')
}

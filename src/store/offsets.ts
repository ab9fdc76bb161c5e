/**
 * Offsets of the embedded source. Its next offset per topic is the highest of:
 *  - the high-water mark reserved in `source_offsets` (never erased, never TTL'd), and
 *  - one past the highest source offset stored in the event tables (data stored before
 *    `source_offsets` existed).
 * Rows in the event tables can be deleted (erasure, retention), so they alone would hand out an
 * offset range again, and ClickHouse would discard the new batch as a duplicate of the old token.
 */
import { createHash, randomUUID } from 'node:crypto'
import { DriftwatchError } from '../errors.js'
import { storedPrefix } from '../ingest/dead-letter.js'
import type { SourceRecord } from '../pipeline/source.js'
import type { Store } from './clickhouse.js'
import { insertRows } from './insert.js'
import { tsvUnescape } from './tsv.js'
import { withDatabase } from './query.js'

const TABLES_WITH_OFFSETS = ['predictions', 'ground_truth', 'dead_letters'] as const

export async function nextOffsets(store: Store, topics: readonly string[]): Promise<Map<string, bigint>> {
  const union = [
    `SELECT source_topic, max(next_offset) AS n FROM {db}.source_offsets WHERE source_topic IN {topics:Array(String)} GROUP BY source_topic`,
    ...TABLES_WITH_OFFSETS.map(
      (t) => `SELECT source_topic, max(source_offset) + 1 AS n FROM {db}.${t} WHERE source_topic IN {topics:Array(String)} GROUP BY source_topic`,
    ),
  ].join(' UNION ALL ')
  const rows = await (
    await store.client.query({
      query: withDatabase(`SELECT source_topic, toString(max(n)) AS n FROM (${union}) GROUP BY source_topic`, store.database),
      query_params: { topics },
      format: 'JSONEachRow',
    })
  ).json<{ source_topic: string; n: string }>()
  return new Map(rows.map((r) => [r.source_topic, BigInt(r.n)]))
}

/**
 * Records durably that offsets below `nextOffset` of `topic` are taken. Each reservation has a
 * token of its own: after a crash mid-reservation the same reservation is made again, and the
 * engine may hold the first one's token without having stored it (src/pipeline/replay-guard.ts).
 * A reservation stored twice is harmless (readers take the maximum).
 */
export async function reserveOffsets(store: Store, topic: string, nextOffset: bigint): Promise<void> {
  await insertRows(store, 'source_offsets', [{ source_topic: topic, next_offset: nextOffset.toString() }], `source-offsets:${topic}:${nextOffset}:${randomUUID()}`)
}

/** The tables whose rows carry their record's source offset (source_topic, source_partition, source_offset). */
export type TableWithOffsets = (typeof TABLES_WITH_OFFSETS)[number]

/**
 * What is stored at the offsets of a range: per offset (decimal) with a row in an event table, the
 * prediction_id of each row there; per offset with a dead letter, the deadLetterIdentity of each
 * one's record (or ORPHAN_LABEL_IDENTITY). An offset names one record of a topic's log, but a topic deleted and created
 * again (or a new cluster behind the same name) starts again at 0, so rows of two records, the
 * old topic's and the new one's, may share an offset: a replayed batch takes a row for its
 * record's only when the identity matches (src/pipeline/event-handler.ts).
 */
export interface StoredOffsets {
  readonly rows: ReadonlyMap<string, readonly string[]>
  readonly dead: ReadonlyMap<string, readonly string[]>
  /** Whether the event table holds a row of the topic-partition at an offset after the range's last. */
  readonly rowsAfter: boolean
}

/**
 * A dead letter's record as its row keeps it (src/ingest/dead-letter.ts toDeadLetterRow): the MD5
 * of the sizes of the key and value and their first bytes (base64). DEAD_LETTER_IDENTITY_SQL
 * computes the same from the stored columns.
 */
export function deadLetterIdentity(record: Pick<SourceRecord, 'key' | 'value'>): string {
  return createHash('md5').update(`${record.key?.length ?? 0}:${record.value?.length ?? 0}:${storedPrefix(record.key)}:${storedPrefix(record.value)}`).digest('hex')
}
/**
 * The identity storedOffsets gives a dead letter the orphan sweep wrote (src/evaluate/orphans.ts):
 * it reports the label stored at its offset, and holds the label as JSON rather than the record's
 * bytes, so it belongs to whichever record's row is there.
 */
export const ORPHAN_LABEL_IDENTITY = 'orphan-label'
const DEAD_LETTER_IDENTITY_SQL = `if(error_code = 'DW_ORPHAN_LABEL', '${ORPHAN_LABEL_IDENTITY}', lower(hex(MD5(concat(toString(raw_key_bytes), ':', toString(raw_value_bytes), ':', raw_key_base64, ':', raw_value_base64)))))`

/**
 * The rows and dead letters stored between `first` and `last` (inclusive) of one topic-partition,
 * in `table` and in dead_letters, and whether `table` holds a row of the partition after `last`:
 * one query for all three, since a replayed batch asks them together (src/pipeline/event-handler.ts).
 */
export async function storedOffsets(store: Store, range: OffsetRange): Promise<StoredOffsets> {
  // Lines of `0|1 TAB offset TAB identity`: a whole batch's offsets come back after every insert
  // of a replay, and read as text lines they cost about 60 % of the CPU of JSON rows with the
  // offset as a string (26 against 43-50 ms for 12,000 offsets, the embedded engine). The ids
  // add about 7 ms of CPU per 12,000 rows (15 against 8 ms, chDB on a 2-core machine), about
  // half of it in the engine reading the column.
  // A line `2 TAB offset TAB` says a row follows the range: one is enough (LIMIT 1).
  const after = `SELECT 2 AS dead, source_offset, '' AS identity FROM {db}.${range.table}
      WHERE source_topic = {topic:String} AND source_partition = {partition:UInt32} AND source_offset > {last:UInt64} LIMIT 1`
  const text = await rangeQuery(store, (t) => `DISTINCT ${t === 'dead_letters' ? `1 AS dead, source_offset, ${DEAD_LETTER_IDENTITY_SQL}` : '0 AS dead, source_offset, prediction_id'} AS identity`, range, 'reading', after)
  const rows = new Map<string, string[]>()
  const dead = new Map<string, string[]>()
  let rowsAfter = false
  for (const line of text.split('\n')) {
    if (line === '') continue
    if (line.startsWith('2\t')) {
      rowsAfter = true
      continue
    }
    const tab = line.indexOf('\t', 2)
    const offset = line.slice(2, tab)
    const identity = tsvUnescape(line.slice(tab + 1))
    const at = line.startsWith('1\t') ? dead : rows
    const held = at.get(offset)
    if (held) held.push(identity)
    else at.set(offset, [identity])
  }
  return { rows, dead, rowsAfter }
}


/** Offsets `first` to `last` (inclusive, decimal) of one topic-partition, whose rows go to `table`. */
export interface OffsetRange {
  readonly table: Exclude<TableWithOffsets, 'dead_letters'>
  readonly topic: string
  readonly partition: number
  readonly first: string
  readonly last: string
}

/**
 * `SELECT <select(table)>` over the range's rows in `table`, then in dead_letters, then `also`
 * when given (a statement of the same columns, over the same parameters), as TabSeparated text.
 * Reads every part, merged or not (no FINAL): a row stored under any version counts.
 */
async function rangeQuery(store: Store, select: (table: TableWithOffsets) => string, r: OffsetRange, what: string, also?: string): Promise<string> {
  const from = (t: TableWithOffsets) =>
    `SELECT ${select(t)} FROM {db}.${t}
      WHERE source_topic = {topic:String} AND source_partition = {partition:UInt32} AND source_offset BETWEEN {first:UInt64} AND {last:UInt64}`
  const parts = [from(r.table), from('dead_letters'), ...(also ? [`SELECT * FROM (${also})`] : [])]
  try {
    return await (
      await store.client.query({
        query: withDatabase(parts.join(' UNION ALL '), store.database),
        query_params: { topic: r.topic, partition: r.partition, first: r.first, last: r.last },
        format: 'TabSeparated',
      })
    ).text()
  } catch (cause) {
    throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `${what} the stored offsets of ${r.topic}/${r.partition} in ${r.table} and dead_letters failed: ${(cause as Error).message}`, { cause, retriable: true, table: r.table })
  }
}

/**
 * How many distinct offsets of a range have a row in an event table, and how many a dead letter,
 * with the sum of each set (modulo 2^64, as the engine sums UInt64): a set equal in size to one
 * expected but holding another offset in place of one (a dead letter of the orphan sweep, a row
 * an attempt still in flight stored) has another sum.
 */
export interface StoredOffsetCounts {
  readonly rows: number
  readonly rowsSum: bigint
  readonly dead: number
  readonly deadSum: bigint
}

/** The sum of decimal offsets modulo 2^64, as StoredOffsetCounts' sums. */
export function offsetSum(offsets: Iterable<string>): bigint {
  let sum = 0n
  for (const o of offsets) sum += BigInt(o)
  return BigInt.asUintN(64, sum)
}

/**
 * The counts and sums of what storedOffsets() would return, for the same range: two numbers each
 * instead of every offset. After a replayed batch's insert, the batch's whole range is stored in
 * the common case, and reading it back as text cost more than the insert's own statement.
 */
export async function storedOffsetCounts(store: Store, range: OffsetRange): Promise<StoredOffsetCounts> {
  const text = await rangeQuery(store, (t) => `${t === 'dead_letters' ? 1 : 0} AS dead, uniqExact(source_offset), toString(sum(DISTINCT source_offset))`, range, 'counting')
  const counts = { rows: 0, rowsSum: 0n, dead: 0, deadSum: 0n }
  for (const line of text.split('\n')) {
    if (line === '') continue
    const [dead, n, sum] = line.split('\t')
    if (dead === '1') Object.assign(counts, { dead: Number(n), deadSum: BigInt(sum!) })
    else Object.assign(counts, { rows: Number(n), rowsSum: BigInt(sum!) })
  }
  return counts
}

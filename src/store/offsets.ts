/**
 * Offsets of the embedded source. Its next offset per topic is the highest of:
 *  - the high-water mark reserved in `source_offsets` (never erased, never TTL'd), and
 *  - one past the highest source offset stored in the event tables (data stored before
 *    `source_offsets` existed).
 * Rows in the event tables can be deleted (erasure, retention), so they alone would hand out an
 * offset range again, and ClickHouse would discard the new batch as a duplicate of the old token.
 */
import { randomUUID } from 'node:crypto'
import { DriftwatchError } from '../errors.js'
import type { Store } from './clickhouse.js'
import { insertRows } from './insert.js'
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

/** The offsets of a range that have a row in an event table, and those that have a dead letter, as decimal strings. */
export interface StoredOffsets {
  readonly rows: ReadonlySet<string>
  readonly dead: ReadonlySet<string>
}

/**
 * The offsets between `first` and `last` (inclusive) of one topic-partition that have a row in
 * `table`, and those that have one in dead_letters: one query for both, since a replayed batch
 * asks both questions together (src/pipeline/event-handler.ts).
 */
export async function storedOffsets(store: Store, range: OffsetRange): Promise<StoredOffsets> {
  // Lines of `0|1 TAB offset`: a whole batch's offsets come back after every insert of a replay,
  // and read as text lines they cost about 60 % of the CPU of JSON rows with the offset as a
  // string (26 against 43-50 ms for 12,000 offsets, the embedded engine).
  const text = await rangeQuery(store, 'DISTINCT {dead} AS dead, source_offset', range, 'reading')
  const stored = { rows: new Set<string>(), dead: new Set<string>() }
  for (const line of text.split('\n')) if (line !== '') (line.startsWith('1\t') ? stored.dead : stored.rows).add(line.slice(2))
  return stored
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
 * `SELECT <select>` over the range's rows in `table`, then in dead_letters ({dead} is 0, then 1),
 * as TabSeparated text. Reads every part, merged or not (no FINAL): a row stored under any
 * version counts.
 */
async function rangeQuery(store: Store, select: string, r: OffsetRange, what: string): Promise<string> {
  const from = (t: TableWithOffsets, dead: 0 | 1) =>
    `SELECT ${select.replace('{dead}', String(dead))} FROM {db}.${t}
      WHERE source_topic = {topic:String} AND source_partition = {partition:UInt32} AND source_offset BETWEEN {first:UInt64} AND {last:UInt64}`
  try {
    return await (
      await store.client.query({
        query: withDatabase(`${from(r.table, 0)} UNION ALL ${from('dead_letters', 1)}`, store.database),
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
  const text = await rangeQuery(store, '{dead} AS dead, uniqExact(source_offset), toString(sum(DISTINCT source_offset))', range, 'counting')
  const counts = { rows: 0, rowsSum: 0n, dead: 0, deadSum: 0n }
  for (const line of text.split('\n')) {
    if (line === '') continue
    const [dead, n, sum] = line.split('\t')
    if (dead === '1') Object.assign(counts, { dead: Number(n), deadSum: BigInt(sum!) })
    else Object.assign(counts, { rows: Number(n), rowsSum: BigInt(sum!) })
  }
  return counts
}

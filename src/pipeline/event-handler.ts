/**
 * One topic's records: decode -> validate -> rows in ClickHouse; bad records -> dead letters.
 * The same handler serves predictions and ground truth, behind Kafka or the embedded source.
 *
 * Effects are idempotent, so a replay after a crash counts nothing twice and loses nothing:
 * inserts carry a deduplication token derived from (topic, partition, offset range) and the
 * records there (source.ts batchToken), and the tables collapse a prediction_id to one row
 * (ReplacingMergeTree). A batch that may repeat an earlier attempt (replay-guard.ts) does not
 * trust the token alone: it inserts only what is not stored yet, by source offset and record
 * (own-stored.ts: a topic created again reuses offsets), and checks afterwards that it was stored
 * (storeReplay).
 */
import { randomUUID } from 'node:crypto'
import { DriftwatchError, describeError, isDriftwatchError } from '../errors.js'
import type { DeadLetter } from '../ingest/dead-letter.js'
import type { Decoder } from '../ingest/decoder.js'
import { recordBytes, recordSizeProblem } from '../ingest/record-size.js'
import type { Store } from '../store/clickhouse.js'
import { insertBinaryRows } from '../store/insert.js'
import { RowBuffer } from '../store/row-buffer.js'
import type { RowLayout } from '../store/rows.js'
import { offsetSum, storedOffsetCounts, storedOffsets, type OffsetRange, type StoredOffsets, type TableWithOffsets } from '../store/offsets.js'
import { ownStored, type OwnStored } from './own-stored.js'
import { isolateRefused, MAX_REFUSAL_INSERTS, type Refusal, type RefusedRange } from '../store/refusals.js'
import { queryRows } from '../store/query.js'
import { bisectFailures } from '../bisect.js'
import type { DeadLetterSink, DeadLetterWrite } from './dead-letter-sink.js'
import { ReplayGuard } from './replay-guard.js'
import { batchToken, recordsDigest, type BatchHandler, type SourceBatch, type SourceRecord } from './source.js'

export interface BatchStats {
  readonly topic: string
  readonly partition: number
  readonly accepted: number
  readonly deadLettered: number
}

export interface Replacing<K> {
  readonly key: (k: K) => string
  readonly version: (k: K) => number
  /** The event's prediction_id: stored rows are looked up by it (the tables' indexed column). */
  readonly id: (k: K) => string
  /** The same for a stored row: the columns to read (as text), and its key and version from them. */
  readonly stored: {
    readonly columns: string
    readonly key: (row: Readonly<Record<string, string>>) => string
    readonly version: (row: Readonly<Record<string, string>>) => number
  }
}

export interface EventHandlerDeps<T, K> {
  readonly store: Store
  readonly table: Exclude<TableWithOffsets, 'dead_letters'>
  /** The columns `toRow` and `fastRead` write, in order, with their types (src/store/rows.ts). */
  readonly layout: RowLayout
  readonly decoder: Decoder<T>
  /**
   * A faster reader of the common case, straight into the stored row
   * (src/ingest/prediction-reader.ts); null sends the record through the decoder and toRow.
   */
  readonly fastRead?: (record: SourceRecord, out: RowBuffer) => { readonly event: T; readonly row: readonly [number, number] } | null
  /** Returns the first problem with the event, or null. `nowMs` is the batch's processing time. */
  readonly validate: (event: T, nowMs: number) => DriftwatchError | null
  /** Writes the event as one stored row into `out` (RowBinary, src/store/rows.ts). */
  readonly toRow: (event: T, source: SourceRecord, out: RowBuffer) => void
  /**
   * What the join needs of an event (ids, model, times). Each decoded event is reduced to its
   * row and this key at once, so a batch holds no event objects while its insert is awaited.
   */
  readonly keyOf: (event: T) => K
  /**
   * How the table keeps one row of several with the same key (ReplacingMergeTree): the key,
   * sorting key and partition, and the version. Of the rows of one key in one insert the engine
   * keeps the greatest version, the last of equal ones. A replayed batch (storeReplay) needs this
   * to tell a row the engine replaced within the batch from one that is missing.
   */
  readonly replacing: Replacing<K>
  /**
   * Rules that need stored state (a prediction_id already used by another model), over the
   * batch's valid events in order, before anything is stored: one problem or null per event.
   * Infrastructure failures reject retriable and the batch is retried.
   */
  readonly screen?: (events: readonly K[]) => Promise<readonly (DriftwatchError | null)[]>
  readonly deadLetters: DeadLetterSink
  readonly now: () => number
  readonly maxRecordBytes: number
  /**
   * Runs after the batch's rows and dead letters are durable and before its offsets commit,
   * with the accepted events (the join routes them to windows here).
   */
  readonly afterStore?: (events: readonly K[], token: string) => Promise<unknown>
  /** Called after each durable batch, for self-monitoring. */
  readonly onBatch?: (stats: BatchStats) => void
  /**
   * Called when a record made the code throw something other than a DriftwatchError (a bug),
   * before it is dead-lettered; or when it failed its batch (isolateFailure), which then either
   * dead-letters it or, when its row was stored before the step that failed, keeps it.
   */
  readonly onUnexpected?: (error: unknown, record: SourceRecord, outcome: 'dead-lettered' | 'stored') => void
  /**
   * Called when an attempt of a batch fails, whatever the step: some of its rows may be stored
   * although what follows the store (afterStore) never ran for them.
   */
  readonly onFailedAttempt?: () => void
  /**
   * Called when an attempt whose valid events went through `screen` ends, however it ends: with
   * `stored` true once its effect is durable and afterStore has run, false when a step failed
   * (some of its rows may be stored all the same). What the screen holds for the events is let
   * go here (the id rule's claims on their ids while they are stored: src/join/in-flight-ids.ts).
   */
  readonly afterScreened?: (events: readonly K[], stored: boolean) => void
  /** Tells which batches may repeat an earlier attempt; shared with the source, which reports reassignments. One of the handler's own by default. */
  readonly replayGuard?: ReplayGuard
  /**
   * Called, once per topic-partition, when a batch that may repeat an earlier attempt finds rows
   * or dead letters of other records stored at its offsets: the topic was deleted and created
   * again, or another cluster now serves it, and its offsets started again at 0 (own-stored.ts).
   * The batch's records are stored all the same; this is for the operator (docs/operations.md).
   */
  readonly onOffsetsReused?: (reuse: OffsetsReused) => void
}

/** Offsets of a topic-partition at which records of an earlier incarnation of the topic are stored. */
export interface OffsetsReused {
  readonly topic: string
  readonly partition: number
  readonly table: TableWithOffsets
  /** How many of the batch's offsets, and the first and last of them (decimal). */
  readonly count: number
  readonly first: string
  readonly last: string
}

/**
 * One record that makes decoding, validation or row mapping throw something unexpected (a bug,
 * e.g. a TypeError on a value nobody foresaw) is dead-lettered as DW_RECORD_UNPROCESSABLE with
 * its raw bytes instead of stopping the consumer: stopping would replay the same record after the
 * restart and stop again, a crash loop that blocks the whole partition. Infrastructure failures
 * are retriable DriftwatchErrors and still propagate.
 */
function unexpected(e: unknown): DriftwatchError {
  return new DriftwatchError('DW_RECORD_UNPROCESSABLE', `unexpected failure processing this record: ${describeError(e).slice(0, 500)}`, { cause: e })
}

/**
 * How many pieces one failed batch may be tried in (isolateFailure): a batch of 10,000 records
 * with up to about three records that fail it is resolved exactly (2·log2(n) tries each).
 */
export const MAX_ISOLATION_TRIES = 64

export function createEventHandler<T, K>(given: EventHandlerDeps<T, K>): BatchHandler {
  const reported = new Set<string>()
  const deps: EventHandlerDeps<T, K> = {
    ...given,
    onOffsetsReused: (reuse) => {
      const key = `${reuse.topic}\u0000${reuse.partition}`
      if (reported.has(key)) return
      reported.add(key)
      given.onOffsetsReused?.(reuse)
    },
  }
  const guard = deps.replayGuard ?? new ReplayGuard()
  const once: BatchHandler = async (batch) => {
    const attempt: Attempt<K> = { screened: null }
    try {
      await handleBatch(deps, guard, batch, attempt)
    } catch (e) {
      if (attempt.screened) deps.afterScreened?.(attempt.screened, false)
      deps.onFailedAttempt?.()
      throw machineFailure(e)
    }
  }
  return async (batch) => {
    try {
      await once(batch)
    } catch (e) {
      if (retriable(e) || batch.records.length === 0) throw e
      await isolateFailure(deps, guard, once, batch, e)
    }
  }
}

const retriable = (e: unknown) => isDriftwatchError(e) && e.retriable

/**
 * An error of the machine rather than of the records: a Node system error (one with a `syscall`:
 * the disk of the store full or read-only, too many open files, an I/O error, a connection the
 * system refused), which no record causes and no dead letter cures. It becomes a retriable DW_CLICKHOUSE_UNAVAILABLE, so the batch
 * is retried with backoff (its partition shows as stuck) and never isolated and dead-lettered.
 */
/** System error codes of files and disks; the others (a connection refused or reset, a name that does not resolve) are the network's. */
const FILE_SYSTEM_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EMFILE', 'ENFILE', 'EACCES', 'EPERM', 'ENOENT', 'EISDIR', 'ENOTDIR', 'EEXIST'])

function machineFailure(e: unknown): unknown {
  const x = e as { code?: unknown; syscall?: unknown } | null
  if (!(e instanceof Error) || typeof x?.code !== 'string' || typeof x.syscall !== 'string') return e
  const where = FILE_SYSTEM_CODES.has(x.code) ? "this machine's disk or files (check the space and permissions of DRIFTWATCH_DATA_DIR)" : `the system (${x.syscall})`
  return new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `${e.message}: a failure of ${where}, not of the records; the batch is retried`, { cause: e, retriable: true })
}

/** An attempt's screened events, until afterScreened is called for them. */
interface Attempt<K> {
  screened: readonly K[] | null
}

/**
 * One attempt of a batch: decode, validate, screen, store, then what follows the store
 * (afterStore). Resolves once its effect is durable.
 */
async function handleBatch<T, K>(deps: EventHandlerDeps<T, K>, guard: ReplayGuard, batch: SourceBatch, attempt: Attempt<K>): Promise<void> {
  const first = batch.records[0]
  const last = batch.records.at(-1)
  if (!first || !last) return
  const replay = guard.begin(batch.topic, batch.partition, first.offset)
  // What an earlier attempt of this batch stored, read while this one decodes.
  const stored = replay ? storedOfBatch(deps.store, deps.table, batch) : null
  stored?.catch(() => {}) // awaited below; a decode failure must not leave it unhandled
  const dead: DeadLetter[] = []
  const nowMs = deps.now()
  // The batch's rows, RowBinary (src/store/row-buffer.ts), one range each.
  const out = new RowBuffer(Math.max(64 * 1024, batch.records.length * 1024))
  // The valid events, as parallel arrays (no object per event): record, row range, join key.
  const valid: Kept<K> = { records: [], rows: [], keys: [] }
  const append = (event: T, record: SourceRecord): [number, number] => {
    const start = out.pos
    try {
      deps.toRow(event, record, out)
    } catch (e) {
      out.pos = start // no partial row stays in the buffer
      throw e
    }
    return [start, out.pos]
  }
  // Bad input is data; infrastructure trouble (retriable) propagates; a record that makes the
  // code throw anything else is dead-lettered too (see unexpected()).
  const badInput = (record: SourceRecord, e: unknown) => {
    if (retriable(machineFailure(e))) throw machineFailure(e)
    if (isDriftwatchError(e)) return void dead.push({ record, error: e })
    try {
      deps.onUnexpected?.(e, record, 'dead-lettered')
    } catch {
      // reporting must not be what stops the consumer
    }
    dead.push({ record, error: unexpected(e) })
  }
  for (const record of batch.records) {
    try {
      const tooLarge = recordSizeProblem(recordBytes(record.key, record.value), deps.maxRecordBytes)
      if (tooLarge) throw tooLarge
      const fast = deps.fastRead?.(record, out) ?? null
      const decoded = fast ? fast.event : deps.decoder.decode(record.value)
      const event = decoded instanceof Promise ? await decoded : decoded
      const problem = deps.validate(event, nowMs)
      if (problem) dead.push({ record, error: problem })
      else {
        valid.records.push(record)
        valid.rows.push(fast ? fast.row : append(event, record))
        valid.keys.push(deps.keyOf(event))
      }
    } catch (e) {
      badInput(record, e)
    }
  }
  const screen = valid.keys.length > 0 ? deps.screen : undefined
  if (screen) attempt.screened = valid.keys // let go however the attempt ends (afterScreened)
  const screened = screen ? await screen(valid.keys) : []
  let kept = valid
  if (screened.some((problem) => problem !== null)) {
    kept = { records: [], rows: [], keys: [] }
    for (const [i, record] of valid.records.entries()) {
      const problem = screened[i]
      if (problem) dead.push({ record, error: problem })
      else {
        kept.records.push(record)
        kept.rows.push(valid.rows[i]!)
        kept.keys.push(valid.keys[i]!)
      }
    }
  }
  const effect = { out, kept, dead }
  const digest = recordsDigest(first, last)
  const tokens = { rows: batchToken(batch, deps.table, digest), dead: batchToken(batch, 'dead_letters', digest) }
  // A name of this attempt alone, for the tokens of a batch that may repeat another (storeReplay).
  const id = replay ? randomUUID() : ''
  const { refused, rejected } = stored
    ? await storeReplay(deps, batch, effect, tokens, await stored, id)
    : await storeRows(deps, effect, null, tokens.rows, dead, tokens.dead)
  const accepted = refused.size === 0 ? kept.keys : kept.keys.filter((_, i) => !refused.has(i))
  // A replay's marks under a token of their own: a duplicate mark only makes a window due again.
  if (deps.afterStore && accepted.length > 0) await deps.afterStore(accepted, replay ? `${tokens.rows}/replay:${id}` : tokens.rows)
  if (attempt.screened) {
    attempt.screened = null
    deps.afterScreened?.(valid.keys, true)
  }
  guard.end(batch.topic, batch.partition, last.offset)
  deps.onBatch?.({ topic: batch.topic, partition: batch.partition, accepted: accepted.length, deadLettered: dead.length + rejected.length })
}

/**
 * A batch that failed as a whole with something other than a retriable error: a bug in code that
 * runs per batch rather than per record (the id screen, the join, the window marks, a store
 * write), or a batch too large for such code. It would fail the same way on every retry and after
 * every restart, and block its partition for good. So the batch is tried in pieces
 * (src/bisect.ts), each as a batch of its own: the pieces that succeed are stored as any batch
 * is, and a record that still fails alone is dead-lettered as DW_RECORD_UNPROCESSABLE, with its
 * raw bytes. Once MAX_ISOLATION_TRIES pieces are spent, a piece that failed is dead-lettered
 * whole.
 *
 * A failure that no piece escapes is not the records' doing (a batch of one record aside, which
 * has nothing to be compared with): it is rethrown and stops the consumer, as before. A record
 * whose row an attempt stored before the step that failed is not dead-lettered: it is stored, and
 * reported. Every piece may repeat part of the failed attempt, so each is checked against the
 * stored rows (ReplayGuard.forget), and so are the dead letters.
 */
async function isolateFailure<T, K>(deps: EventHandlerDeps<T, K>, guard: ReplayGuard, once: BatchHandler, batch: SourceBatch, cause: unknown): Promise<void> {
  const { topic, partition, records } = batch
  let passed = 0
  const { failed, tries } = await bisectFailures(
    records.length,
    cause,
    async (start, end) => {
      guard.forget(topic, partition)
      try {
        await once({ topic, partition, records: records.slice(start, end) })
        passed++
        return null
      } catch (e) {
        if (retriable(e)) throw e
        return e
      }
    },
    MAX_ISOLATION_TRIES,
  )
  if (passed === 0 && records.length > 1) throw cause
  guard.forget(topic, partition)
  // A row at a failed record's offset is its own when it has the record's prediction_id
  // (own-stored.ts); a record that does not decode is not told from another.
  const ids = new Map<string, string>()
  for (const { start, end } of failed) {
    for (const record of records.slice(start, end)) {
      const id = await idOf(deps, record)
      if (id !== null) ids.set(record.offset, id)
    }
  }
  const stored = ownStored(await storedOfBatch(deps.store, deps.table, batch), records, ids)
  const dead: DeadLetter[] = []
  let kept = 0
  for (const { start, end, why } of failed) {
    for (const record of records.slice(start, end)) {
      if (stored.dead.has(record.offset)) continue // an attempt dead-lettered it for a reason of its own
      const isStored = stored.rows.has(record.offset)
      try {
        deps.onUnexpected?.(why, record, isStored ? 'stored' : 'dead-lettered')
      } catch {
        // reporting must not be what stops the consumer
      }
      if (isStored) kept++
      else dead.push({ record, error: end - start === 1 ? unexpected(why) : unresolved(why, end - start, tries) })
    }
  }
  // Under a token of this attempt's own: what an earlier one dead-lettered is left out above.
  await deps.deadLetters.write(dead, `${batchToken(batch, 'dead_letters')}/isolated:${randomUUID()}`)
  guard.end(topic, partition, records.at(-1)!.offset)
  deps.onBatch?.({ topic, partition, accepted: kept, deadLettered: dead.length })
}

/** The prediction_id of a record, decoded again; null when that fails for anything but infrastructure. */
async function idOf<T, K>(deps: Pick<EventHandlerDeps<T, K>, 'decoder' | 'keyOf' | 'replacing'>, record: SourceRecord): Promise<string | null> {
  try {
    const decoded = deps.decoder.decode(record.value)
    return deps.replacing.id(deps.keyOf(decoded instanceof Promise ? await decoded : decoded))
  } catch (e) {
    if (retriable(e)) throw e
    return null
  }
}

/** A record of a piece of a failed batch that still failed when the search stopped. */
function unresolved(e: unknown, size: number, tries: number): DriftwatchError {
  return new DriftwatchError(
    'DW_RECORD_UNPROCESSABLE',
    `unexpected failure processing a range of ${size} records that includes this one; the search for the records that cause it stopped after ${tries} tries, so this record may be fine: replay it from the dead letters once the cause is fixed: ${describeError(e).slice(0, 500)}`,
    { cause: e },
  )
}

/** Records to store, as parallel arrays: each record, its row (a range of the batch's buffer) and its join key. */
interface Kept<K> {
  readonly records: SourceRecord[]
  readonly rows: (readonly [number, number])[]
  readonly keys: K[]
}

/** A batch's rows (ranges of `out`, one per kept record) and its dead letters, before they are stored. */
interface BatchEffect<K> {
  readonly out: RowBuffer
  readonly kept: Kept<K>
  readonly dead: readonly DeadLetter[]
}

interface Stored {
  readonly refused: ReadonlyMap<number, RefusedRange>
  readonly rejected: readonly DeadLetter[]
}

type StoreDeps = Pick<EventHandlerDeps<unknown, unknown>, 'store' | 'table' | 'layout' | 'deadLetters'>

/**
 * Inserts the rows of `kept` at `indices` (null: all of them) under `rowToken`, and writes
 * `deadLetters` under `deadToken`. Returns the rows the store refused for their content (indices
 * of `kept`) and their dead letters, written too.
 */
async function storeRows<K>(
  deps: StoreDeps,
  { out, kept }: BatchEffect<K>,
  indices: readonly number[] | null,
  rowToken: string,
  deadLetters: readonly DeadLetter[],
  deadToken: string,
  options?: DeadLetterWrite,
): Promise<Stored> {
  const [sub] = await Promise.all([insertRefusing(deps, out, indices ? indices.map((i) => kept.rows[i]!) : kept.rows, rowToken), deps.deadLetters.write(deadLetters, deadToken, options)])
  const refused = indices ? new Map([...sub].map(([j, range]) => [indices[j]!, range] as const)) : sub
  // Rows the store refused for their content: dead letters too, in a write of their own (its own
  // token: the dead letters above may already be durable under theirs).
  const rejected = refusedDeadLetters(refused, kept.records)
  if (rejected.length > 0) await deps.deadLetters.write(rejected, `${deadToken}/refused`)
  return { refused, rejected }
}

/** The source offsets of a batch that have a row in its table, and in dead_letters. */
function storedOfBatch(store: Store, table: EventHandlerDeps<unknown, unknown>['table'], batch: SourceBatch): Promise<StoredOffsets> {
  return storedOffsets(store, rangeOf(table, batch))
}

/** The offsets a batch spans, first to last. */
const rangeOf = (table: EventHandlerDeps<unknown, unknown>['table'], batch: SourceBatch): OffsetRange => ({
  table, topic: batch.topic, partition: batch.partition, first: batch.records[0]!.offset, last: batch.records.at(-1)!.offset,
})

/**
 * A batch that may repeat an attempt whose outcome is unknown (replay-guard.ts). Only the rows and
 * dead letters not stored yet are inserted, so a replay whose batch ends elsewhere than the first
 * attempt's stores nothing twice either. Then what was inserted is checked: a row still missing
 * had its token claimed by an insert that was never committed (the engine dropped this one as a
 * duplicate without an error), and is inserted again under a token of this attempt's own.
 */
async function storeReplay<K>(
  deps: StoreDeps & Pick<EventHandlerDeps<unknown, K>, 'replacing' | 'onOffsetsReused'>,
  batch: SourceBatch,
  effect: BatchEffect<K>,
  tokens: { readonly rows: string; readonly dead: string },
  storedBefore: StoredOffsets,
  id: string,
): Promise<Stored> {
  const { kept, dead } = effect
  // What is stored at the batch's offsets counts only when it is its own records' (own-stored.ts).
  // Their ids are needed only when a row is stored there, which the common replay (nothing stored) skips.
  let ids: Map<string, string> | undefined
  const idsOf = () => (ids ??= new Map(kept.records.map((r, i) => [r.offset, deps.replacing.id(kept.keys[i]!)])))
  const own = (s: Pick<StoredOffsets, 'rows' | 'dead'>) => ownStored(s, batch.records, s.rows.size > 0 ? idsOf() : new Map())
  const before = own(storedBefore)
  if (before.foreign.length > 0) {
    deps.onOffsetsReused?.({ topic: batch.topic, partition: batch.partition, table: deps.table, count: before.foreign.length, first: before.foreign[0]!, last: before.foreign.at(-1)! })
  }
  // Rows the engine replaced by a later row of the batch: they have no offset of their own to
  // find, and inserting them again would bring back what the batch replaced.
  const replaced = replacedInBatch(kept.keys, deps.replacing)
  const inBatch = replaced.size
  // Rows to insert: neither stored nor dead-lettered (an earlier attempt's refusals) nor refused
  // now, nor replaced.
  const missing = (s: OwnStored, refused: ReadonlyMap<number, unknown>) =>
    kept.records.flatMap((r, i) => (s.rows.has(r.offset) || s.dead.has(r.offset) || refused.has(i) || replaced.has(i) ? [] : [i]))
  // A row an earlier attempt's insert replaced by a later record that this batch does not reach
  // (the replay ends before it) is missing too, and is left out as well. Only a row stored at an
  // offset of the batch or after it can replace one: with none there, nothing is looked up.
  if (storedBefore.rows.size > 0 || storedBefore.rowsAfter) {
    for (const i of await replacedInStore(deps, batch, kept.keys, missing(before, new Map()))) replaced.add(i)
  }
  const todo = missing(before, new Map())
  // The whole batch missing is the common case (the first attempt stored nothing, or its token is
  // held without its rows): the batch's own token then also matches an earlier attempt still in
  // flight on a server, which must not store the rows a second time. It is inserted as the first
  // attempt inserted it, replaced rows included, for the engine to replace them alike.
  const whole = replaced.size === inBatch && todo.length + replaced.size === kept.records.length
  const first = await storeRows(deps, effect, whole ? null : todo, whole ? tokens.rows : `${tokens.rows}/missing:${todo.length}`, dead, tokens.dead, { storedOffsets: before.dead })
  // A count and a sum of each kind of stored offset equal to those of what must be there now say
  // nothing is missing; the offsets themselves are read only when they are not. They count
  // offsets, not records: with other records' rows at the batch's offsets (a topic created
  // again) they could hide a missing row, so the offsets are read then.
  const mustHold = { rows: new Set(before.rows), dead: new Set(before.dead) }
  for (const i of todo) if (!first.refused.has(i)) mustHold.rows.add(kept.records[i]!.offset)
  // A row replaced within the batch may be stored all the same (an engine that does not replace
  // on insert, optimize_on_insert = 0), which the counts below cannot tell from a missing one.
  for (const i of replaced) if (before.rows.has(kept.records[i]!.offset)) mustHold.rows.add(kept.records[i]!.offset)
  for (const d of dead) mustHold.dead.add(d.record.offset)
  for (const d of first.rejected) mustHold.dead.add(d.record.offset)
  if (before.foreign.length === 0) {
    const counts = await storedOffsetCounts(deps.store, rangeOf(deps.table, batch))
    const same = (n: number, sum: bigint, offsets: ReadonlySet<string>) => n === offsets.size && sum === offsetSum(offsets)
    if (same(counts.rows, counts.rowsSum, mustHold.rows) && same(counts.dead, counts.deadSum, mustHold.dead)) return first
  }
  const after = own(await storedOfBatch(deps.store, deps.table, batch))
  const again = missing(after, first.refused)
  const deadAgain = [...dead, ...first.rejected].filter((d) => !after.dead.has(d.record.offset))
  const second = await storeRows(deps, effect, again, `${tokens.rows}/again:${id}`, deadAgain, `${tokens.dead}/again:${id}`, { rowsOnly: true })
  return { refused: new Map([...first.refused, ...second.refused]), rejected: [...first.rejected, ...second.rejected] }
}

/**
 * Of the rows at `indices` (missing from the table), those a stored row of the same key replaces:
 * one from a later offset of the same topic-partition with a version at least theirs, which the
 * engine kept over them when an earlier attempt inserted both.
 */
async function replacedInStore<K>(
  deps: Pick<EventHandlerDeps<unknown, K>, 'store' | 'table' | 'replacing'>, batch: SourceBatch, keys: readonly K[], indices: readonly number[],
): Promise<number[]> {
  if (indices.length === 0) return []
  const r = deps.replacing
  const first = batch.records[indices[0]!]!.offset
  const ids = [...new Set(indices.map((i) => r.id(keys[i]!)))]
  const later = await deps.store.withStringSet(ids, (set) =>
    queryRows<Record<string, string>>(
      deps.store,
      `SELECT ${r.stored.columns}, toString(source_offset) AS o FROM {db}.${deps.table}
       PREWHERE prediction_id IN ${set.sql}
       WHERE source_topic = {topic:String} AND source_partition = {partition:UInt32} AND source_offset > {first:UInt64}`,
      { ...set.params, topic: batch.topic, partition: batch.partition, first },
      'reading the rows that replaced a replayed batch\'s',
    ))
  if (later.length === 0) return []
  const newest = new Map<string, { offset: bigint; version: number }[]>()
  for (const row of later) {
    const key = r.stored.key(row)
    const rows = newest.get(key) ?? []
    rows.push({ offset: BigInt(row['o']!), version: r.stored.version(row) })
    newest.set(key, rows)
  }
  return indices.filter((i) => {
    const offset = BigInt(batch.records[i]!.offset)
    const version = r.version(keys[i]!)
    return (newest.get(r.key(keys[i]!)) ?? []).some((row) => row.offset > offset && row.version >= version)
  })
}

/**
 * The indices of the batch's rows that another row of the batch replaces (Replacing): of the rows
 * of one key, all but the one with the greatest version, the last of equal ones.
 */
export function replacedInBatch<K>(keys: readonly K[], replacing: Replacing<K>): Set<number> {
  const out = new Set<number>()
  const winner = new Map<string, number>()
  keys.forEach((k, i) => {
    const key = replacing.key(k)
    const j = winner.get(key)
    if (j === undefined) return void winner.set(key, i)
    if (replacing.version(k) >= replacing.version(keys[j]!)) {
      out.add(j)
      winner.set(key, i)
    } else out.add(i)
  })
  return out
}

/**
 * Inserts the batch's rows; when the store refuses them for their content (DW_STORE_REJECTED),
 * finds the refused rows (src/store/refusals.ts isolateRefused), stores the others and returns the
 * refused rows' indices, each with the range it was refused in. Each sub-insert's dedup token is
 * the batch token and the row range, so a replay after a crash tries the same ranges under the
 * same tokens and stores nothing twice. Transient failures still reject retriable.
 */
async function insertRefusing(
  deps: Pick<EventHandlerDeps<unknown, unknown>, 'store' | 'table' | 'layout'>,
  out: RowBuffer,
  rows: readonly (readonly [number, number])[],
  token: string,
): Promise<Map<number, RefusedRange>> {
  const refusalOf = (e: unknown): Refusal | null => (isDriftwatchError(e) && e.code === 'DW_STORE_REJECTED' ? (e.context['refusal'] as Refusal) : null)
  try {
    await insertBinaryRows(deps.store, deps.table, deps.layout, out.bytesOf(rows), token)
    return new Map()
  } catch (e) {
    const refusal = refusalOf(e)
    if (!refusal) throw e
    const { refused } = await isolateRefused(rows.length, refusal, async (start, end) => {
      try {
        await insertBinaryRows(deps.store, deps.table, deps.layout, out.bytesOf(rows.slice(start, end)), `${token}/${start}-${end}`)
        return null
      } catch (sub) {
        const why = refusalOf(sub)
        if (!why) throw sub
        return why
      }
    })
    const byRow = new Map<number, RefusedRange>()
    for (const range of refused) for (let i = range.start; i < range.end; i++) byRow.set(i, range)
    return byRow
  }
}

function refusedDeadLetters(refused: ReadonlyMap<number, RefusedRange>, records: readonly SourceRecord[]): DeadLetter[] {
  return [...refused].map(([i, range]) => {
    const { codeName, clickhouseCode, message } = range.refusal
    const said = message.slice(0, 1000)
    const text =
      range.end - range.start === 1
        ? `ClickHouse refused this record's row (${codeName}): ${said}`
        : `ClickHouse refused a range of ${range.end - range.start} rows that includes this record's (${codeName}); the search for the refused rows stopped after ${MAX_REFUSAL_INSERTS} sub-inserts, so this record may be fine: replay it from the dead letters once the refused ones are fixed: ${said}`
    return { record: records[i]!, error: new DriftwatchError('DW_STORE_REJECTED', text, { clickhouseCode }) }
  })
}

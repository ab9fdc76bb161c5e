/**
 * Which of the rows and dead letters stored at a batch's offsets its own records left, for a
 * batch that may repeat an earlier attempt (event-handler.ts storeReplay).
 *
 * An offset names one record of a topic's log, until the topic is deleted and created again under
 * the same name (or a new cluster serves it): offsets start again at 0, and the new topic's
 * records arrive at offsets where the old one's are stored. A row is this batch's when its
 * prediction_id is that of the record at its offset; a dead letter when it holds the same bytes
 * (store/offsets.ts deadLetterIdentity), or when the orphan sweep wrote it about a row that is
 * this batch's. Everything else at the batch's offsets is another record's: `foreign`.
 *
 * A record whose id is not known (dead-lettered now, or not decodable) cannot be told from
 * another: a row at its offset is taken for its own, as it always was before offsets could repeat.
 * Pure: no I/O.
 */
import { deadLetterIdentity, ORPHAN_LABEL_IDENTITY, type StoredOffsets } from '../store/offsets.js'
import type { SourceRecord } from './source.js'

export interface OwnStored {
  /** Offsets whose row is their record's (or whose record's id is not known). */
  readonly rows: ReadonlySet<string>
  /** Offsets whose dead letter is their record's. */
  readonly dead: ReadonlySet<string>
  /** Offsets, ascending, where a row or dead letter of another record is stored. */
  readonly foreign: readonly string[]
}

/**
 * `stored` (the batch's range, storedOffsets), sorted out by `records` (the batch's) and `ids`
 * (offset -> prediction_id of the records whose id is known; read only when a row is stored).
 */
export function ownStored(stored: Pick<StoredOffsets, 'rows' | 'dead'>, records: readonly SourceRecord[], ids: ReadonlyMap<string, string>): OwnStored {
  if (stored.rows.size === 0 && stored.dead.size === 0) return { rows: new Set(), dead: new Set(), foreign: [] }
  const rows = new Set<string>()
  const dead = new Set<string>()
  const foreign = new Set<string>()
  const inBatch = new Map<string, SourceRecord>()
  for (const r of records) inBatch.set(r.offset, r)
  for (const [offset, idsThere] of stored.rows) {
    const id = ids.get(offset)
    if (!inBatch.has(offset)) foreign.add(offset)
    else if (id === undefined) rows.add(offset)
    else {
      if (idsThere.includes(id)) rows.add(offset)
      if (idsThere.some((s) => s !== id)) foreign.add(offset)
    }
  }
  for (const [offset, identities] of stored.dead) {
    const record = inBatch.get(offset)
    if (!record) {
      foreign.add(offset)
      continue
    }
    let bytes: string | undefined
    for (const identity of identities) {
      const own = identity === ORPHAN_LABEL_IDENTITY ? rows.has(offset) : identity === (bytes ??= deadLetterIdentity(record))
      if (own) dead.add(offset)
      else foreign.add(offset)
    }
  }
  return { rows, dead, foreign: [...foreign].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0)) }
}

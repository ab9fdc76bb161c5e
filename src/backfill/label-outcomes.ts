/**
 * What became of the labels an embedded backfill sent, read from the store once their batches
 * are acknowledged (embedded mode: a publish resolves once the batch's effect is durable), a
 * chunk of batches at a time and the rest as the run ends (outcomeTally). Each label is, in this
 * order:
 *
 *   dropped  its prediction_id is in erased_predictions with labels_erased = 1: `driftwatch erase`
 *            deleted its prediction and that id's labels, and ingest's screen of erased
 *            predictions (src/pipeline/erased-screen.ts, reading src/store/erased-ids.ts) neither
 *            stores nor dead-letters a label of it;
 *   joined   otherwise, a prediction with its id is stored (any model, version or event time);
 *   pending  otherwise: stored in ground_truth with no stored prediction. It counts as soon as its
 *            prediction is stored; if none is stored join.orphanAfter after it, the evaluator's
 *            orphan sweep writes a DW_ORPHAN_LABEL notice (src/join/unjoined-labels.ts holds the
 *            same "no stored prediction": it never came, or retention.raw or an erase removed it).
 *
 * Counted per label, as `sent` counts them: a prediction_id sent twice counts twice.
 */
import { DriftwatchError } from '../errors.js'
import type { Store } from '../store/clickhouse.js'
import { withDatabase } from '../store/query.js'

export interface LabelOutcomes {
  readonly joined: number
  readonly pending: number
  readonly dropped: number
  /** Labels acknowledged whose outcome could not be read (the query failed). */
  readonly unread: number
}

export const NO_OUTCOMES: LabelOutcomes = Object.freeze({ joined: 0, pending: 0, dropped: 0, unread: 0 })

/** The ids, as the store answered for them: erased with their labels, and with a stored prediction. */
export interface StoredIds {
  readonly labelsErased: ReadonlySet<string>
  readonly predicted: ReadonlySet<string>
}

/** Pure: the outcomes of labels with these prediction ids, one per id given (duplicates count). */
export function outcomesOf(ids: readonly string[], stored: StoredIds): LabelOutcomes {
  let joined = 0
  let pending = 0
  let dropped = 0
  for (const id of ids) {
    if (stored.labelsErased.has(id)) dropped++
    else if (stored.predicted.has(id)) joined++
    else pending++
  }
  return { joined, pending, dropped, unread: 0 }
}

export const addOutcomes = (a: LabelOutcomes, b: LabelOutcomes): LabelOutcomes => ({
  joined: a.joined + b.joined,
  pending: a.pending + b.pending,
  dropped: a.dropped + b.dropped,
  unread: a.unread + b.unread,
})

/**
 * One query for the distinct ids, handed over as the store's string set (a file in embedded
 * mode, Store.withStringSet), as the join's own lookups do: predictions are found by the
 * bloom-filter index over prediction_id (not a prefix of their sorting key), erased ids by a scan
 * of erased_predictions, which holds ids alone and only of erased subjects.
 */
export async function readStoredIds(store: Store, ids: readonly string[]): Promise<StoredIds> {
  const labelsErased = new Set<string>()
  const predicted = new Set<string>()
  if (ids.length === 0) return { labelsErased, predicted }
  let rows: [string, string][]
  try {
    rows = await store.withStringSet([...new Set(ids)], async (set) =>
      (
        await store.client.query({
          query: withDatabase(
            `SELECT DISTINCT 'erased' AS k, prediction_id FROM {db}.erased_predictions WHERE labels_erased = 1 AND prediction_id IN ${set.sql}
             UNION ALL
             SELECT DISTINCT 'predicted' AS k, prediction_id FROM {db}.predictions PREWHERE prediction_id IN ${set.sql}`,
            store.database,
          ),
          query_params: set.params,
          format: 'JSONCompactEachRow',
        })
      ).json<[string, string]>(),
    )
  } catch (cause) {
    throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `reading what became of the labels failed: ${(cause as Error).message}`, { cause, retriable: true })
  }
  for (const [k, id] of rows) (k === 'erased' ? labelsErased : predicted).add(id)
  return { labelsErased, predicted }
}

/**
 * A read's ids, at most. Reads are few: each has a fixed cost (tens of milliseconds on chDB), and
 * one per batch of 1,000 labels made 100,000 labels take about 5 s longer, on a loaded 2-core
 * machine, than none; in reads of 20,000 ids the difference was within the noise. And small
 * enough: on a ClickHouse server the ids are a query parameter (Store.withStringSet), which the
 * byte bound keeps, URL-encoded, under the server's default http_max_uri_size of 1 MiB.
 */
export const READ_IDS = 20_000
export const READ_BYTES = 256 * 1024

/**
 * The running tally of a backfill: `count` the ids of each acknowledged batch; they are read
 * `ids` or `bytes` at a time, the rest when `outcomes()` is asked. A failed read leaves its labels
 * unread rather than failing the backfill: their batches are acknowledged, and the checkpoint has
 * moved past them.
 */
export function outcomeTally(read: (ids: readonly string[]) => Promise<StoredIds>, { ids: maxIds = READ_IDS, bytes: maxBytes = READ_BYTES } = {}) {
  let total = NO_OUTCOMES
  let waiting: string[] = []
  let waitingBytes = 0
  const flush = async () => {
    const ids = waiting
    waiting = []
    waitingBytes = 0
    if (ids.length === 0) return
    let outcomes: LabelOutcomes
    try {
      outcomes = outcomesOf(ids, await read(ids))
    } catch (e) {
      if (!(e instanceof DriftwatchError)) throw e
      outcomes = { ...NO_OUTCOMES, unread: ids.length }
    }
    total = addOutcomes(total, outcomes)
  }
  return {
    async count(ids: readonly string[]): Promise<void> {
      for (const id of ids) {
        const bytes = Buffer.byteLength(id)
        if (waiting.length > 0 && (waiting.length >= maxIds || waitingBytes + bytes > maxBytes)) await flush()
        waiting.push(id)
        waitingBytes += bytes
      }
      if (waiting.length >= maxIds || waitingBytes >= maxBytes) await flush()
    },
    /** Every label counted so far, read. */
    async outcomes(): Promise<LabelOutcomes> {
      await flush()
      return total
    },
  }
}

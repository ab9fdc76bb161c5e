/**
 * Which fetched records belong to aborted transactions, for kafkajs 2.2.4, whose own filter
 * (src/consumer/filterAbortedMessages.js) lets some through:
 * - it takes the broker's list of aborted transactions as sorted by first offset, but the broker
 *   lists them in the order they ended: two producers whose transactions overlap and abort in the
 *   other order (P1 starts, P2 starts, P2 aborts, P1 aborts) had P1's first records delivered as
 *   committed;
 * - it starts tracking at most one aborted transaction per record, so a fetch that begins inside
 *   several aborted transactions delivered the records of all but the first.
 * Their records reached the store as predictions and labels that were never committed.
 *
 * The rule here is the Java consumer's (Fetcher / CompletedFetch): the aborted transactions in
 * order of first offset; before each record, every one whose first offset is at or below the
 * record's offset marks its producer as aborted; a transactional record of an aborted producer is
 * left out; the producer's abort marker (a control record whose key is the ABORT type) ends it.
 *
 * kafkajs has no hook for this. `installAbortedFilter` wraps the fetch responses' decoders (the
 * versions that carry aborted transactions, loaded on each request by kafkajs' fetch request
 * table): each aborted record is flagged as a control record, which kafkajs never hands to
 * eachBatch yet counts in the batch's offsets (its last offset, which src/kafka/source.ts commits
 * past), and the partition's list of aborted transactions is emptied so kafkajs' own filter has
 * nothing to do. Records are flagged, never removed: a fetch whose records all left out would
 * otherwise look empty to kafkajs, which then moves the position to the high watermark.
 */
import { createRequire } from 'node:module'
import { KAFKAJS_VERSION } from './record-decoder.js'

const require = createRequire(import.meta.url)

export interface AbortedTransaction {
  readonly producerId: string
  readonly firstOffset: string
}

/** What kafkajs' decoders give of a fetched record, as far as this rule reads it. */
export interface FetchedRecord {
  readonly offset: string
  readonly key: Buffer | null
  isControlRecord?: boolean
  readonly batchContext: { readonly producerId: string; readonly inTransaction: boolean }
}

/** The key of an abort marker: control record version 0, type 0 (ABORT); COMMIT is type 1. */
const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0])

const isAbortMarker = (r: FetchedRecord): boolean => r.isControlRecord === true && r.key !== null && Buffer.from(r.key).equals(ABORT_MARKER_KEY)

/** The indexes of `records` (one partition's fetch, in offset order) that aborted transactions wrote. Pure. */
export function abortedRecordIndexes(records: readonly FetchedRecord[], aborted: readonly AbortedTransaction[]): number[] {
  if (aborted.length === 0) return []
  const pending = [...aborted].sort((a, b) => {
    const d = BigInt(a.firstOffset) - BigInt(b.firstOffset)
    return d < 0n ? -1 : d > 0n ? 1 : 0
  })
  const abortedProducers = new Set<string>()
  const out: number[] = []
  let next = 0
  records.forEach((r, i) => {
    const offset = BigInt(r.offset)
    while (next < pending.length && BigInt(pending[next]!.firstOffset) <= offset) abortedProducers.add(pending[next++]!.producerId)
    const { producerId, inTransaction } = r.batchContext
    if (isAbortMarker(r)) abortedProducers.delete(producerId)
    else if (r.isControlRecord !== true && inTransaction && abortedProducers.has(producerId)) out.push(i)
  })
  return out
}

interface FetchPartition {
  abortedTransactions?: AbortedTransaction[]
  messages: FetchedRecord[]
}

interface FetchResponse {
  responses: { partitions: FetchPartition[] }[]
}

/** Flags each partition's aborted records as control records and empties its list (see above). */
export function leaveOutAborted(response: FetchResponse): FetchResponse {
  for (const topic of response.responses) {
    for (const partition of topic.partitions) {
      const aborted = partition.abortedTransactions ?? []
      if (aborted.length === 0) continue
      for (const i of abortedRecordIndexes(partition.messages, aborted)) partition.messages[i]!.isControlRecord = true
      partition.abortedTransactions = []
    }
  }
  return response
}

/** The fetch versions whose responses carry aborted transactions (kafkajs 2.2.4 has v4 to v11). */
const VERSIONS = [4, 5, 6, 7, 8, 9, 10, 11]
const WRAPPED = Symbol.for('driftwatch.leaveOutAborted')

/**
 * Wraps the decode of kafkajs' fetch responses with leaveOutAborted. Returns whether it did: not
 * when kafkajs is another version than KAFKAJS_VERSION (whose filter this was checked against).
 * Idempotent.
 */
export function installAbortedFilter(): boolean {
  const { version } = require('kafkajs/package.json') as { version: string }
  if (version !== KAFKAJS_VERSION) return false
  for (const v of VERSIONS) {
    const response = require(`kafkajs/src/protocol/requests/fetch/v${v}/response.js`) as { decode(raw: Buffer): Promise<FetchResponse>; [WRAPPED]?: true }
    if (response[WRAPPED]) continue
    const decode = response.decode
    response.decode = async (raw) => leaveOutAborted(await decode(raw))
    response[WRAPPED] = true
  }
  return true
}

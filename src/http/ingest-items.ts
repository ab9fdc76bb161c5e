/**
 * One ingest request's items: each is parsed and validated on its own (src/ingest/json-events.ts,
 * the same checks the consumers apply), and measured as the record the consumers will see (key
 * and value, src/ingest/record-size.ts), so an item answered `accepted` is neither rejected nor
 * dead-lettered downstream. The one exception is a prediction whose id another model already
 * stored (src/join/id-conflicts.ts): the API does not read the store. An id that an earlier item
 * of the same request used for another model is refused here, as the consumer would.
 */
import type { DriftwatchError } from '../errors.js'
import { parseGroundTruthJson, parsePredictionJson, type Parsed } from '../ingest/json-events.js'
import { eventRecordBytes, recordSizeProblem } from '../ingest/record-size.js'
import type { EventKind, GroundTruthEvent, PredictionEvent } from '../ingest/schemas.js'
import { idClaims } from '../join/id-conflicts.js'
import type { IngestLimits } from './limits.js'
import type { ItemResult } from './schemas.js'

export interface EventOf {
  prediction: PredictionEvent
  'ground-truth': GroundTruthEvent
}

export interface CheckedItems<T> {
  readonly results: ItemResult[]
  readonly events: T[]
  /** Record size (key and value) of each event in `events`, in bytes. */
  readonly sizes: number[]
}

const parsers = {
  prediction: parsePredictionJson,
  'ground-truth': parseGroundTruthJson,
} as const satisfies { [K in EventKind]: (input: unknown, nowMs: number, limits: IngestLimits['validation']) => Parsed<EventOf[K]> }

const rejected = (index: number, error: DriftwatchError): ItemResult => ({
  index,
  status: 'rejected',
  code: error.code,
  path: typeof error.context['path'] === 'string' ? error.context['path'] : '(root)',
  reason: error.message,
})

export function checkItems<K extends EventKind>(kind: K, items: readonly unknown[], nowMs: number, limits: IngestLimits): CheckedItems<EventOf[K]> {
  const parse = parsers[kind] as (input: unknown, nowMs: number, limits: IngestLimits['validation']) => Parsed<EventOf[K]>
  const out: CheckedItems<EventOf[K]> = { results: [], events: [], sizes: [] }
  const claim = kind === 'prediction' ? idClaims() : null
  items.forEach((item, index) => {
    const parsed = parse(item, nowMs, limits.validation)
    if (!parsed.ok) return out.results.push(rejected(index, parsed.error))
    const size = eventRecordBytes(kind, parsed.event)
    const tooLarge = recordSizeProblem(size, limits.maxRecordBytes)
    if (tooLarge) return out.results.push(rejected(index, tooLarge))
    const conflict = claim?.(parsed.event as PredictionEvent)
    if (conflict) return out.results.push(rejected(index, conflict))
    out.results.push({ index, status: 'accepted' })
    out.events.push(parsed.event)
    out.sizes.push(size)
  })
  return out
}

/**
 * Splits events into publish calls of at most `maxCount` events and about `maxBytes` encoded
 * bytes, so that no Kafka produce request outgrows the broker's message.max.bytes (1 MiB by
 * default) even when every event lands on one partition. An event larger than maxBytes goes alone.
 */
export function chunks<T>(events: readonly T[], sizes: readonly number[], maxCount = 1000, maxBytes = 512 * 1024): T[][] {
  const out: T[][] = []
  let current: T[] = []
  let bytes = 0
  events.forEach((e, i) => {
    const size = sizes[i] ?? 0
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      out.push(current)
      current = []
      bytes = 0
    }
    current.push(e)
    bytes += size
  })
  if (current.length > 0) out.push(current)
  return out
}

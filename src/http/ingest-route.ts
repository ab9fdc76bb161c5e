/**
 * POST /v1/predictions and POST /v1/labels: a JSON array of events in, one result per item out.
 *
 *   200  the request was processed: every item is accepted (and published) or rejected with its
 *        code, field path and reason
 *   400  the body is not a JSON array, or empty   413  more than maxItems items (or too many bytes)
 *   503  publishing failed (retriable): nothing is promised, send the whole request again;
 *        items already published are deduplicated by prediction_id downstream
 *
 * The response is sent only after the publisher resolved: acks=all in Kafka mode, the stored
 * effect in embedded mode.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import type { EventKind } from '../ingest/schemas.js'
import type { EventPublisher } from '../pipeline/publisher.js'
import { checkItems, chunks, type EventOf } from './ingest-items.js'
import type { IngestLimits } from './limits.js'
import type { IngestResponse } from './schemas.js'

export interface IngestDeps {
  readonly publisher: EventPublisher
  readonly limits: IngestLimits
  readonly now: () => number
}

const isBug = (e: unknown) => e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError

/** A publish failure as the error the client sees: infrastructure trouble is retriable (503). */
export function publishFailure(e: unknown, kind: EventKind, count: number): unknown {
  if (isBug(e) || isDriftwatchError(e)) return e
  const name = e instanceof Error ? e.name : ''
  const code = name.startsWith('KafkaJS') ? 'DW_KAFKA_UNAVAILABLE' : name.includes('SchemaRegistry') ? 'DW_REGISTRY_UNAVAILABLE' : null
  if (!code) return e
  // The cause stays in the log; the client gets no broker addresses or internals.
  return new DriftwatchError(code, `publishing ${count} ${kind} events failed; send the request again later`, { cause: e, retriable: true })
}

export function ingestHandler<K extends EventKind>(kind: K, deps: IngestDeps) {
  const publish = (events: EventOf[K][]) =>
    kind === 'prediction'
      ? deps.publisher.publishPredictions(events as EventOf['prediction'][])
      : deps.publisher.publishGroundTruth(events as EventOf['ground-truth'][])

  return async (request: FastifyRequest, reply: FastifyReply): Promise<IngestResponse> => {
    const body = request.body
    if (!Array.isArray(body)) throw new DriftwatchError('DW_VALIDATION_FAILED', 'the body must be a JSON array of events', { path: '(root)' })
    if (body.length === 0) throw new DriftwatchError('DW_VALIDATION_FAILED', 'the body is an empty array; send at least one event', { path: '(root)' })
    if (body.length > deps.limits.maxItems) {
      throw new DriftwatchError('DW_PAYLOAD_TOO_LARGE', `the request holds ${body.length} items, the limit is ${deps.limits.maxItems} per request`)
    }
    const checked = checkItems(kind, body, deps.now(), deps.limits)
    try {
      for (const chunk of chunks(checked.events, checked.sizes)) await publish(chunk)
    } catch (e) {
      // Logged once, by the error handler, with the original error as `cause`.
      throw publishFailure(e, kind, checked.events.length)
    }
    void reply.code(200)
    return { results: checked.results, accepted: checked.events.length, rejected: checked.results.length - checked.events.length }
  }
}

/**
 * Which failed produce requests the prediction logger stops retrying: those where the broker
 * refused the records themselves, so that the same records would be refused on every retry.
 * Read from the Kafka protocol error's `type` (kafkajs KafkaJSProtocolError, on the error or its
 * cause chain), never from the message text.
 *
 *   MESSAGE_TOO_LARGE       a partition's record batch is over the topic's max.message.bytes
 *                           (the broker's message.max.bytes, 1,048,588 bytes by default)
 *   RECORD_LIST_TOO_LARGE   the same, for the request's record set
 *   INVALID_RECORD          a record failed the broker's own validation
 *
 * Every other failure (broker down, leader moving, authorization, a timestamp the broker finds
 * out of range because of this machine's clock) says nothing about the records and is retried.
 *
 * The broker answers a produce request for several partitions as a whole in kafkajs: a refusal on
 * one partition fails the call although the others were written, and kafkajs rolls back the
 * idempotent producer's sequence numbers of all of them. Those sequences are then out of step
 * with the broker's (OUT_OF_ORDER_SEQUENCE_NUMBER on the next send there), so after either error
 * the logger sends through a new producer (a new producer id, sequences from 0): `needsNewProducer`.
 */
import { DriftwatchError, causeChain, describeError } from '../errors.js'

const SIZE_REFUSALS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE'])
const RECORD_REFUSALS = new Set([...SIZE_REFUSALS, 'INVALID_RECORD'])
const SEQUENCE_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER'])

const kafkaType = (e: unknown): string | null => {
  for (const link of causeChain(e)) if (typeof link['type'] === 'string' && String(link['name']).startsWith('KafkaJS')) return link['type']
  return null
}

/** The broker's type of refusal when it refused the records themselves, else null. */
export function recordRefusal(e: unknown): string | null {
  const type = kafkaType(e)
  return type !== null && RECORD_REFUSALS.has(type) ? type : null
}

/** Whether the idempotent producer's sequence numbers may no longer match the broker's after `e`. */
export function needsNewProducer(e: unknown): boolean {
  const type = kafkaType(e)
  return type !== null && (RECORD_REFUSALS.has(type) || SEQUENCE_ERRORS.has(type))
}

/**
 * What `onError` receives for one event the broker refused on its own: DW_RECORD_TOO_LARGE for a
 * size refusal, DW_VALIDATION_FAILED for INVALID_RECORD; with the event's kind, prediction_id and
 * record size in `context`.
 */
export function refusedEventError(kind: 'prediction' | 'label', predictionId: string, bytes: number, cause: unknown): DriftwatchError {
  const type = recordRefusal(cause) ?? 'refused'
  const size = SIZE_REFUSALS.has(type)
  const hint = size ? `; raise the topic's max.message.bytes above the largest record plus some room (docs/operations.md), or log smaller events` : ''
  return new DriftwatchError(
    size ? 'DW_RECORD_TOO_LARGE' : 'DW_VALIDATION_FAILED',
    `Kafka refused the ${kind} ${JSON.stringify(predictionId)} (${bytes} bytes of key and value) on its own: ${type}, ${describeError(cause)}; it was dropped, the events after it are sent${hint}`,
    { cause, retriable: false, kind, prediction_id: predictionId, bytes, kafkaError: type },
  )
}

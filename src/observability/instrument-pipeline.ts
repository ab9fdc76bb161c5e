/**
 * Pipeline metrics as decorators the composition root wraps around the batch handlers and the
 * dead-letter sinks, so the handlers themselves stay free of metrics code:
 *   - a handler call is timed (batch_duration_seconds); when it resolves its records count as
 *     consumed (a batch that is retried is counted once, when it finally succeeds); when it
 *     throws, batch_failures_total{retriable} says whether the source will retry it;
 *   - a sink write counts dead letters by source topic and code once it resolved, which covers the
 *     consumers' dead letters and the evaluator's orphan labels alike.
 */
import { isDriftwatchError } from '../errors.js'
import type { DeadLetterSink } from '../pipeline/dead-letter-sink.js'
import type { BatchHandler } from '../pipeline/source.js'
import type { DriftwatchMetrics } from './metrics.js'

type HandlerMetrics = Pick<DriftwatchMetrics, 'batchDuration' | 'eventsConsumed' | 'batchFailures'>

export function instrumentHandler(handler: BatchHandler, metrics: HandlerMetrics): BatchHandler {
  return async (batch) => {
    const end = metrics.batchDuration.startTimer({ topic: batch.topic })
    try {
      await handler(batch)
      metrics.eventsConsumed.inc({ topic: batch.topic }, batch.records.length)
    } catch (e) {
      metrics.batchFailures.inc({ topic: batch.topic, retriable: String(isDriftwatchError(e) && e.retriable) })
      throw e
    } finally {
      end()
    }
  }
}

/** Every handler of a topic map, instrumented; the map itself when there are no metrics. */
export function instrumentHandlers(handlers: Readonly<Record<string, BatchHandler>>, metrics: HandlerMetrics | undefined): Record<string, BatchHandler> {
  if (!metrics) return { ...handlers }
  return Object.fromEntries(Object.entries(handlers).map(([topic, h]) => [topic, instrumentHandler(h, metrics)]))
}

export function instrumentDeadLetterSink(sink: DeadLetterSink, metrics: Pick<DriftwatchMetrics, 'deadLetters'> | undefined): DeadLetterSink {
  if (!metrics) return sink
  return {
    async write(deadLetters, dedupToken, options) {
      await sink.write(deadLetters, dedupToken, options)
      if (options?.rowsOnly) return // counted by the write that sent them
      for (const d of deadLetters) metrics.deadLetters.inc({ topic: d.record.topic, code: d.error.code })
    },
  }
}

/**
 * Labels with no stored prediction: once a label has waited join.orphanAfter (processing time
 * since it was stored) without its prediction, it is dead-lettered with DW_ORPHAN_LABEL,
 * once (dead letters are keyed by the label's source offset). The dead letter's value is the
 * label as JSON; its original Avro bytes were consumed when it was stored.
 *
 * Bounded per tick: only labels stored since the last sweep's cutoff (cursor orphan_sweep, less
 * the overlap) are looked at; a label stored earlier was looked at when it crossed a cutoff, and
 * is either joined or dead-lettered already. The first sweep of a database looks at all of them.
 *
 * "Never arrived" is what the store cannot rule out, not what it knows: a prediction stored and
 * removed since, by retention.raw (a TTL from when it was stored: a label more than retention.raw
 * after its prediction finds none) or by `driftwatch erase`, leaves its labels orphans too. Erase
 * leaves the ids it removed (erased_predictions, never TTL'd, small: the erased ids alone), so the
 * message says so for those; a TTL leaves nothing, so the message for the rest names both causes
 * (orphanMessage).
 *
 * Except a label of an id whose labels `driftwatch erase` deleted (erased_predictions,
 * labels_erased = 1): it was stored again before every instance read the erase record (they
 * re-read it every 10 s, src/pipeline/erased-screen.ts), and it is the erased subject's data. Its
 * dead letter would hold the label, in dead_letters and on the `.dlq` topic, where the next erase
 * does not look; so it is never dead-lettered: the sweep deletes it instead, with the dead letters
 * keyed by its id, as erase does (src/store/delete-rows.ts deleteKeyedByIds). Deleted before the
 * cursor moves past it: a sweep that fails in between finds it again.
 *
 * The dead letter reports the label; it does not remove it from ground_truth. If the prediction
 * arrives after all, its own mark re-evaluates its window and the evaluator's join counts the
 * label, as any label of a stored prediction (docs/events.md). Excluding it instead would take the
 * evaluator's join reading dead_letters for every window, for a case a late prediction makes right.
 */
import { DriftwatchError } from '../errors.js'
import type { DeadLetter } from '../ingest/dead-letter.js'
import type { DeadLetterSink } from '../pipeline/dead-letter-sink.js'
import type { Store } from '../store/clickhouse.js'
import { withDatabase } from '../store/query.js'
import { deleteKeyedByIds } from '../store/delete-rows.js'
import { LABELS_ERASED_IDS } from '../store/erased-ids.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import { unjoinedLabelsSql } from '../join/unjoined-labels.js'
import { advanceCursor, CURSOR_OVERLAP_MS, readCursor } from './cursor.js'
import { formatDuration } from '../window/duration.js'

interface OrphanRow {
  prediction_id: string
  label_class: string | null
  label_value: number | null
  lt: string
  source: string
  source_topic: string
  source_partition: number
  source_offset: string
  /** 1 when erased_predictions holds the id: `driftwatch erase` removed its prediction. */
  erased: number
  /** 1 when erase removed its labels too: the label is deleted, never dead-lettered. */
  labels_erased: number
}

/**
 * The dead letter's message: why the label has no stored prediction, as far as the store can
 * tell, and what becomes of the label. A notice about a stored label, not a rejection.
 */
export function orphanMessage(predictionId: string, orphanAfterMs: number, erased: boolean): string {
  return erased
    ? `prediction ${predictionId} was removed by driftwatch erase, which does not store it again: the label stays stored and joins no prediction`
    : `no prediction ${predictionId} is stored join.orphanAfter (${formatDuration(orphanAfterMs)}) after its label: it never arrived, or retention.raw removed it; the label stays stored and counts if its prediction is stored later`
}

/** Dead-letters the orphan labels stored before `nowMs - orphanAfterMs`, and deletes those of ids whose labels were erased. Returns the labels dead-lettered. */
export async function sweepOrphans(store: Store, sink: DeadLetterSink, orphanAfterMs: number, nowMs: number, limit = 10_000): Promise<number> {
  const cutoffMs = nowMs - orphanAfterMs
  const sweptUntil = await readCursor(store, 'orphan_sweep')
  const rows = await (
    await store.client.query({
      query: withDatabase(
        `SELECT prediction_id, label_class, label_value, toUnixTimestamp64Milli(label_time) AS lt, source, source_topic, source_partition, toString(source_offset) AS source_offset,
                     prediction_id IN (SELECT prediction_id FROM {db}.erased_predictions) AS erased,
                     prediction_id IN ${LABELS_ERASED_IDS} AS labels_erased
              FROM ${unjoinedLabelsSql({ storedSince: sweptUntil > 0 })}
              ORDER BY source_topic, source_partition, source_offset
              LIMIT {limit:UInt32}`,
        store.database,
      ),
      query_params: { cutoff: clickhouseDateTime64(cutoffMs), since: clickhouseDateTime64(Math.max(0, sweptUntil - CURSOR_OVERLAP_MS)), limit },
      format: 'JSONEachRow',
    })
  ).json<OrphanRow>()
  // Every label stored before the cutoff has been looked at (a full page may hide more: stay).
  const advance = () => (rows.length < limit && cutoffMs > sweptUntil ? advanceCursor(store, 'orphan_sweep', cutoffMs) : Promise.resolve())
  const erasedLabels = [...new Set(rows.filter((r) => Number(r.labels_erased) === 1).map((r) => r.prediction_id))]
  await deleteKeyedByIds(store, erasedLabels)
  const orphans = rows.filter((r) => Number(r.labels_erased) !== 1)
  if (orphans.length === 0) {
    await advance()
    return 0
  }
  const dead: DeadLetter[] = orphans.map((r) => ({
    record: {
      topic: r.source_topic,
      partition: r.source_partition,
      offset: r.source_offset,
      key: Buffer.from(r.prediction_id, 'utf8'),
      value: Buffer.from(JSON.stringify({ prediction_id: r.prediction_id, label: { class_label: r.label_class, value: r.label_value }, label_time: Number(r.lt), source: r.source })),
      headers: {},
      timestamp: r.lt,
    },
    error: new DriftwatchError('DW_ORPHAN_LABEL', orphanMessage(r.prediction_id, orphanAfterMs, Number(r.erased) === 1)),
  }))
  // The sweep's time is in the token: a sweep that runs again after a crash finds the same labels,
  // and the engine may hold their token for an insert it never committed (src/pipeline/replay-guard.ts).
  // Labels dead-lettered already are not found again (unjoinedLabelsSql).
  await sink.write(dead, `orphans:${nowMs}:${orphans[0]!.source_topic}:${orphans[0]!.source_offset}:${orphans.at(-1)!.source_offset}:${orphans.length}`)
  await advance()
  return orphans.length
}

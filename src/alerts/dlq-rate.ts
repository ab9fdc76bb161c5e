/**
 * Dead-letter rate per source topic and period: dead letters / (records stored + dead letters),
 * over processing-time periods aligned to the period length (the newest one still filling).
 * Dead letters are deduplicated (FINAL); stored records are counted by ingest time without
 * FINAL, so a replayed batch not yet merged away counts twice in the denominator: the rate
 * errs low by at most the replayed share. Orphan-label notices (DW_ORPHAN_LABEL) are not
 * counted as dead letters: their labels are stored, and counted as stored records in the period
 * they were stored (docs/events.md, "Dead letters"). Service-level: model and version are ''.
 */
import type { MetricPoint } from '../rules/evaluate.js'
import type { Store } from '../store/clickhouse.js'
import { queryRows } from './sql.js'

interface Bucket {
  topic: string
  b: string
  dead: string
  stored: string
}

export async function dlqRatePoints(store: Store, periodMs: number, periods: number, nowMs: number): Promise<MetricPoint[]> {
  const from = (Math.floor(nowMs / periodMs) - periods + 1) * periodMs
  const rows = await queryRows<Bucket>(
    store,
    `SELECT topic, b, sum(dead) AS dead, sum(stored) AS stored FROM (
       SELECT source_topic AS topic, intDiv(toUnixTimestamp64Milli(dead_lettered_at), {p:Int64}) AS b, count() AS dead, 0 AS stored
       FROM {db}.dead_letters FINAL WHERE dead_lettered_at >= fromUnixTimestamp64Milli({from:Int64}) AND error_code != 'DW_ORPHAN_LABEL' GROUP BY topic, b
       UNION ALL
       SELECT source_topic AS topic, intDiv(toUnixTimestamp64Milli(ingested_at), {p:Int64}) AS b, 0 AS dead, count() AS stored
       FROM {db}.predictions WHERE ingested_at >= fromUnixTimestamp64Milli({from:Int64}) GROUP BY topic, b
       UNION ALL
       SELECT source_topic AS topic, intDiv(toUnixTimestamp64Milli(ingested_at), {p:Int64}) AS b, 0 AS dead, count() AS stored
       FROM {db}.ground_truth WHERE ingested_at >= fromUnixTimestamp64Milli({from:Int64}) GROUP BY topic, b
     ) GROUP BY topic, b`,
    { p: periodMs, from },
  )
  return rows.map((r) => {
    const dead = Number(r.dead)
    const total = dead + Number(r.stored)
    const start = Number(r.b) * periodMs
    return {
      modelId: '',
      modelVersion: '',
      subject: r.topic,
      labels: { model: '', version: '', topic: r.topic },
      windowStartMs: start,
      windowEndMs: start + periodMs,
      value: total > 0 ? dead / total : null,
      n: total,
    }
  })
}

/**
 * Next offsets for the embedded source: one past the highest source offset stored per topic,
 * across the tables that record source positions.
 */
import type { Store } from './clickhouse.js'

const TABLES_WITH_OFFSETS = ['predictions', 'ground_truth', 'dead_letters'] as const

export async function nextOffsets(store: Store, topics: readonly string[]): Promise<Map<string, bigint>> {
  const union = TABLES_WITH_OFFSETS.map(
    (t) => `SELECT source_topic, max(source_offset) AS o FROM ${store.database}.${t} WHERE source_topic IN {topics:Array(String)} GROUP BY source_topic`,
  ).join(' UNION ALL ')
  const rows = await (
    await store.client.query({
      query: `SELECT source_topic, toString(max(o)) AS o FROM (${union}) GROUP BY source_topic`,
      query_params: { topics },
      format: 'JSONEachRow',
    })
  ).json<{ source_topic: string; o: string }>()
  return new Map(rows.map((r) => [r.source_topic, BigInt(r.o) + 1n]))
}

/**
 * Data quality of a window against the reference's bounds (./quality-bounds.ts), counted per
 * partition inside ClickHouse over the deduplicated predictions (./scope.ts), so 1 or N consumers give the same counts.
 *
 * Out of range (src/metrics/quality/feature-quality.ts): per numerical feature, the values
 * checked (every value of a feature the reference has a range for) and those < min or > max.
 * Values are finite: ingest dead-letters non-finite numbers (DW_NON_FINITE_NUMBER).
 *
 * Outlier score (src/metrics/quality/outlier-score.ts), per event:
 *   evaluated = numerical features with reference tails + categorical features with usual
 *               categories, among the event's non-missing values
 *   extreme   = numerical values < q_0.005 or > q_0.995 (strictly), and categories that are
 *               not usual (unseen in the reference, or among its rarest 1%)
 * and events are counted by (evaluated, extreme): the per-event score extreme / evaluated and
 * every aggregate of it follow exactly from these counts (./quality-rows.ts). Features keep the
 * kind their values have in the events: numbers are in features_num, strings and booleans in
 * features_cat. A value whose type differs from the reference's kind of the feature is not
 * evaluated, as a type violation is not in the batch code; one difference remains: a number
 * sent for a categorical feature is not evaluated here, where the batch code would read it as
 * the category String(x).
 */
import type { Store } from '../store/clickhouse.js'
import { withDatabase } from '../store/query.js'
import { float64Bits, float64MapParam } from './float-params.js'
import { featureIndex } from './queries.js'
import { boundsParams, type QualityBounds } from './quality-bounds.js'
import { scopedPredictions, type Scope } from './scope.js'

async function rows<T>(store: Store, query: string, params: Record<string, unknown>): Promise<T[]> {
  return (await store.client.query({ query: withDatabase(query, store.database), query_params: params, format: 'JSONEachRow' })).json<T>()
}

// Bounds go as bit patterns (./float-params.ts, ./quality-bounds.ts boundsParams): exact for any float.
const TAIL_LO = float64MapParam('tailLo')
const TAIL_HI = float64MapParam('tailHi')
const USUAL = '{usual:Map(String, Array(String))}'

/** A feature's bounds are looked up by its index in `rangeKeys` (./queries.ts featureIndex): less work per value for the engine than a Map parameter. */
export const rangeQuery = (store: Store, scope: Scope, bounds: QualityBounds) => {
  const p = scopedPredictions(scope)
  const keys = Object.keys(bounds.ranges)
  const bound = (name: string) => `reinterpretAsFloat64(arrayElement({${name}:Array(UInt64)}, i))`
  return rows<{ p: number; k: string; checked: string; out: string }>(
    store,
    `SELECT source_partition AS p, k, count() AS checked, countIf(v < ${bound('rangeLo')} OR v > ${bound('rangeHi')}) AS out
     FROM ${p.sql} ARRAY JOIN mapKeys(features_num) AS k, mapValues(features_num) AS v
     WHERE (${featureIndex('rangeKeys')} AS i) > 0 GROUP BY p, k ORDER BY p, k`,
    { ...p.params, rangeKeys: keys, rangeLo: keys.map((k) => float64Bits(bounds.ranges[k]![0])), rangeHi: keys.map((k) => float64Bits(bounds.ranges[k]![1])) },
  )
}

export const outlierQuery = (store: Store, scope: Scope, bounds: QualityBounds) => {
  const p = scopedPredictions(scope)
  const { tailLo, tailHi, usual } = boundsParams(bounds)
  return rows<{ p: number; evaluated: number; extreme: number; c: string }>(
    store,
    `SELECT source_partition AS p,
            arrayCount(k -> mapContains(${TAIL_LO}, k), mapKeys(features_num))
              + arrayCount(k -> mapContains(${USUAL}, k), mapKeys(features_cat)) AS evaluated,
            arrayCount((k, v) -> mapContains(${TAIL_LO}, k) AND (v < ${TAIL_LO}[k] OR v > ${TAIL_HI}[k]), mapKeys(features_num), mapValues(features_num))
              + arrayCount((k, v) -> mapContains(${USUAL}, k) AND NOT has(${USUAL}[k], v), mapKeys(features_cat), mapValues(features_cat)) AS extreme,
            count() AS c
     FROM ${p.sql} GROUP BY p, evaluated, extreme ORDER BY p, evaluated, extreme`,
    { ...p.params, tailLo, tailHi, usual },
  )
}

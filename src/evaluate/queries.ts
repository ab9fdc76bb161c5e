/**
 * SQL that builds partial aggregates per partition inside ClickHouse, so that a window's raw
 * rows never leave the database: histograms over given bin edges, category and missing counts,
 * score histograms, and label/prediction pairs for the joined predictions (the scope's predictions
 * deduplicated, joined to their labels from ground_truth FINAL: duplicates and replays count once,
 * the newest label wins; ./scope.ts).
 *
 * Binning matches src/metrics/drift/reference-bins.ts: bin = number of edges <= x, i.e.
 * left-closed bins [e_i, e_(i+1)) with open outer bins. The score, the predicted class and the
 * regression value ride along as the reserved columns __score__, __class__ and __value__ (a
 * classifier's value is NULL, so its queries return no __value__ rows).
 */
import type { Store } from '../store/clickhouse.js'
import { withDatabase } from '../store/query.js'
import { LOWER_QUANTILE, UPPER_QUANTILE } from '../metrics/quality/index.js'
import { CATEGORICAL_MAX_UNIQUE, quantileBetween, REFERENCE_QUANTILES } from '../metrics/drift/index.js'
import { float64ArrayBits, float64ArrayParam } from './float-params.js'
import { scopedLabels, scopedPredictions, type Scope } from './scope.js'

async function rows<T>(store: Store, query: string, params: Record<string, unknown>): Promise<T[]> {
  return (await store.client.query({ query: withDatabase(query, store.database), query_params: params, format: 'JSONEachRow' })).json<T>()
}

/**
 * The order statistics numpy's 'linear' quantile at `level` interpolates between, 1-based:
 * s[⌊level·(n − 1)⌋ + 1] and s[min(⌊level·(n − 1)⌋ + 2, n)] (the same float arithmetic as
 * src/metrics/profile/quantiles.ts, which then interpolates them exactly: ./quality-bounds.ts).
 */
const orderStatistics = (level: number) =>
  `s[toUInt64(floor(${level} * (n - 1))) + 1], s[least(toUInt64(floor(${level} * (n - 1))) + 2, n)]`

/**
 * The 1-based index of the key k in the Array(String) parameter `name`, 0 when it is not there,
 * as indexOf gives it for distinct keys. transform builds a hash table of its constant arrays
 * once per block, where indexOf compares k with each element in turn.
 */
export const featureIndex = (name: string) => `transform(k, {${name}:Array(String)}, arrayEnumerate({${name}:Array(String)}), toUInt32(0))`

export interface EdgeRow {
  k: string
  /** Deciles (bin edges before collapsing ties), numpy 'linear' to the bit (see edgesQuery). */
  q: number[]
  n: string
  /** Smallest and largest value (decileEdges closes the range with them when ties collapse the deciles). */
  lo: number
  hi: number
  /** Order statistics around the 0.005 and 0.995 quantiles: [low₁, low₂, high₁, high₂]. */
  tails: number[]
}

/**
 * Per numerical column of the scope (features, __score__, __value__): its count, range, tail
 * order statistics and deciles. ClickHouse returns the two order statistics around each decile
 * and src/metrics/drift/reference-bins.ts interpolates them (quantileBetween), so edges built
 * from stored predictions equal a baseline profile's and numpy's to the bit: ClickHouse's own
 * quantilesExactInclusive interpolates as a + (b − a)·t, one ulp away from numpy's lerp for
 * t >= 1/2, which moved a value lying on an edge into the next bin.
 */
export const edgesQuery = async (store: Store, scope: Scope): Promise<EdgeRow[]> => {
  const p = scopedPredictions(scope)
  const values = `SELECT k, v FROM ${p.sql} ARRAY JOIN mapKeys(features_num) AS k, mapValues(features_num) AS v WHERE isFinite(v)
                  UNION ALL
                  SELECT '__score__' AS k, assumeNotNull(score) AS v FROM ${p.sql} WHERE score IS NOT NULL AND isFinite(assumeNotNull(score))
                  UNION ALL
                  SELECT '__value__' AS k, assumeNotNull(value) AS v FROM ${p.sql} WHERE value IS NOT NULL AND isFinite(assumeNotNull(value))`
  const found = await rows<Omit<EdgeRow, 'q'> & { os: number[] }>(
    store,
    `SELECT k, n, lo, hi, [${orderStatistics(LOWER_QUANTILE)}, ${orderStatistics(UPPER_QUANTILE)}] AS tails,
            [${REFERENCE_QUANTILES.map(orderStatistics).join(', ')}] AS os
     FROM (SELECT k, count() AS n, min(v) AS lo, max(v) AS hi, arraySort(groupArray(v)) AS s
           FROM (${values}) GROUP BY k)`,
    p.params,
  )
  return found.map(({ os, ...r }) => ({
    ...r,
    q: REFERENCE_QUANTILES.map((level, i) => quantileBetween(Number(r.n), level, os[2 * i] as number, os[2 * i + 1] as number)),
  }))
}

/**
 * Bin counts per (partition, column). Edges go as bit patterns (./float-params.ts): any Float64
 * edge reaches ClickHouse exactly; a feature's edges are looked up by its index in `features`,
 * which costs the engine less per value than a Map parameter. The index comes from
 * featureIndex, a hash lookup: indexOf scans the list for every value, keys × values string
 * comparisons (5 events of 30,000 features: 20 s).
 */
export const numericBinsQuery = (store: Store, scope: Scope, edges: Map<string, number[]>, scoreEdges: number[]) => {
  const p = scopedPredictions(scope)
  const features = [...edges].filter(([k]) => k !== '__score__' && k !== '__value__')
  const valueEdges = edges.get('__value__')
  return rows<{ p: number; k: string; bin: number; c: string }>(
    store,
    `WITH arrayMap(bs -> arrayMap(b -> reinterpretAsFloat64(b), bs), {featureEdges:Array(Array(UInt64))}) AS E
     SELECT source_partition AS p, k, arrayCount(e -> e <= v, arrayElement(E, i)) AS bin, count() AS c
     FROM ${p.sql} ARRAY JOIN mapKeys(features_num) AS k, mapValues(features_num) AS v
     WHERE (${featureIndex('features')} AS i) > 0
     GROUP BY p, k, bin
     UNION ALL
     SELECT source_partition AS p, '__score__' AS k, arrayCount(e -> e <= assumeNotNull(score), ${float64ArrayParam('scoreEdges')}) AS bin, count() AS c
     FROM ${p.sql} WHERE score IS NOT NULL GROUP BY p, bin
     ${valueEdges === undefined ? '' : `UNION ALL
     SELECT source_partition AS p, '__value__' AS k, arrayCount(e -> e <= assumeNotNull(value), ${float64ArrayParam('valueEdges')}) AS bin, count() AS c
     FROM ${p.sql} WHERE value IS NOT NULL AND isFinite(assumeNotNull(value)) GROUP BY p, bin`}`,
    {
      ...p.params,
      features: features.map(([k]) => k),
      featureEdges: features.map(([, e]) => float64ArrayBits(e)),
      scoreEdges: float64ArrayBits(scoreEdges),
      ...(valueEdges === undefined ? {} : { valueEdges: float64ArrayBits(valueEdges) }),
    },
  )
}

/**
 * The few distinct values of each numerical column per partition, with their counts: one row per
 * (partition, column) with d, its number of distinct finite values, and at most
 * CATEGORICAL_MAX_UNIQUE + 1 of them as [value, count] (all of them when d <= 5). A column with
 * at most 5 distinct values is compared as categories (src/metrics/drift/select-method.ts) on
 * these exact counts (./partial-state.ts fewValues). -0 is counted as 0 (x + 0), as String(-0)
 * names it.
 */
export const fewValuesQuery = (store: Store, scope: Scope) => {
  const p = scopedPredictions(scope)
  return rows<{ p: number; k: string; d: string; vc: [number, string][] }>(
    store,
    `SELECT p, k, count() AS d, groupArray(${CATEGORICAL_MAX_UNIQUE + 1})((x, c)) AS vc FROM (
       SELECT source_partition AS p, k, v + 0 AS x, count() AS c
       FROM ${p.sql} ARRAY JOIN mapKeys(features_num) AS k, mapValues(features_num) AS v WHERE isFinite(v) GROUP BY p, k, x
       UNION ALL
       SELECT source_partition AS p, '__score__' AS k, assumeNotNull(score) + 0 AS x, count() AS c
       FROM ${p.sql} WHERE score IS NOT NULL AND isFinite(assumeNotNull(score)) GROUP BY p, x
       UNION ALL
       SELECT source_partition AS p, '__value__' AS k, assumeNotNull(value) + 0 AS x, count() AS c
       FROM ${p.sql} WHERE value IS NOT NULL AND isFinite(assumeNotNull(value)) GROUP BY p, x
     ) GROUP BY p, k ORDER BY p, k`,
    p.params,
  )
}

export const categoryQuery = (store: Store, scope: Scope) => {
  const p = scopedPredictions(scope)
  return rows<{ p: number; k: string; v: string; c: string }>(
    store,
    `SELECT source_partition AS p, k, v, count() AS c
     FROM ${p.sql} ARRAY JOIN mapKeys(features_cat) AS k, mapValues(features_cat) AS v GROUP BY p, k, v
     UNION ALL
     SELECT source_partition AS p, '__class__' AS k, assumeNotNull(class_label) AS v, count() AS c
     FROM ${p.sql} WHERE class_label IS NOT NULL GROUP BY p, v`,
    p.params,
  )
}

export interface VolumeRow {
  p: number
  variant: string
  /** The feature whose missing events `c` counts; null: `c` counts the events of (p, variant). */
  k: string | null
  c: string
}

/**
 * Events per (partition, variant) (k NULL), and per (partition, feature) the events missing the
 * feature (variant = ''): those that carry no value of it, whether they send it as null
 * (features_missing) or leave the key out. The features are every key any event of the scope
 * carries, as a value or as null, so each partition has a row for each of them (0 when none of
 * its events misses it), and a key absent from a whole partition counts all of its events. A
 * feature no event of the scope mentions has no row: ./quality-rows.ts counts it missing from
 * every event. The counts come from one scan of the scope, so they agree with its event counts
 * while rows are being inserted (other queries of the same scope may see a few more or fewer
 * rows).
 *
 * The events' own entry has the key NULL, which no feature name can be: ingest accepts any name
 * but the reserved ones, the empty string included, so an entry keyed by any string (it was '')
 * would count the events carrying that feature twice.
 *
 * Linear in the number of distinct keys, not quadratic: each event is expanded into its own
 * entries only, (NULL, 1) for the event itself, (key, 1) per value and (key, 0) per null, and
 * counted per (partition, variant) for the events and per (partition, key) for the values. Then
 * one row per key holds its [(partition, '', carried)], and the events [(partition, variant, n)]
 * of the scope, a few entries, reach every key row through a window; a key's row per partition
 * is that partition's events less the key's values there, so a partition with no value of the
 * key counts all its events. Carrying the scope's whole key list and value counts into every
 * (partition, key) row instead held keys² entries at once: 5 events of 30,000 features asked for
 * 22 GiB.
 */
export const volumeQuery = (store: Store, scope: Scope) => {
  const p = scopedPredictions(scope)
  return rows<VolumeRow>(
    store,
    `SELECT r.1 AS p, r.2 AS variant, k, r.3 AS c
     FROM (
       SELECT k, got, anyIf(got, k IS NULL) OVER () AS events
       FROM (
         SELECT k, groupArray((p, variant, c)) AS got
         FROM (
           SELECT source_partition AS p, if(e.1 IS NULL, variant, '') AS variant, e.1 AS k, toInt64(sum(e.2)) AS c
           FROM ${p.sql}
           ARRAY JOIN arrayConcat([(CAST(NULL, 'Nullable(String)'), toUInt64(1))],
                                  arrayMap(x -> (toNullable(x), toUInt64(1)), arrayConcat(mapKeys(features_num), mapKeys(features_cat))),
                                  arrayMap(x -> (toNullable(x), toUInt64(0)), features_missing)) AS e
           GROUP BY p, variant, k)
         GROUP BY k))
     ARRAY JOIN if(k IS NULL, got,
                   arrayMap(q -> (q, '', arraySum(x -> if(x.1 = q, x.3, 0), events) - arraySum(x -> if(x.1 = q, x.3, 0), got)),
                            arrayDistinct(events.1))) AS r
     ORDER BY p, variant, k`,
    p.params,
  )
}

export interface ScoreRow {
  p: number
  variant: string
  /** The prediction's class_label: CBPE's ŷ is read from it as from the realized pairs' (./partials.ts). */
  pred: string | null
  s: number
  c: string
}

/**
 * Scores of all predictions (labeled or not), rounded to the score-histogram grid, with their
 * predicted class, for CBPE.
 */
export const scoreQuery = (store: Store, scope: Scope) => {
  const p = scopedPredictions(scope)
  return rows<ScoreRow>(
    store,
    `SELECT source_partition AS p, variant, class_label AS pred, round(assumeNotNull(score), 3) AS s, count() AS c
     FROM ${p.sql} WHERE score IS NOT NULL GROUP BY p, variant, pred, s ORDER BY p, variant, pred, s`,
    p.params,
  )
}

export interface JoinedRow {
  p: number
  variant: string
  attr: string
  grp: string
  pred: string | null
  label: string | null
  /** 1: the prediction has a label (always, for attr = ''); 0: a protected group's unlabeled prediction. */
  labeled: number
  s: number | null
  c: string
  delay_s: number
}

/**
 * Predictions with their newest label: one row per (partition, variant, protected
 * attribute/group, predicted class, label, labeled, score on the 1/1000 grid). attr = '' carries
 * the labeled totals without group split; a protected attribute's rows carry every prediction of
 * the group, labeled or not (labeled = 0, label NULL), because selection rate and demographic
 * parity need only the prediction (fairlearn's selection_rate over every row it is given), while
 * the labeled rows alone feed the group's confusion counts (docs/evaluation.md, fairness).
 * A prediction whose attribute is the empty string is in no group of it, as one without the
 * attribute (the batch report's `no_group`): '' is the group_value of the parity rows.
 * The LEFT JOIN leaves an unmatched prediction with label_class NULL (Nullable) and matched 0.
 */
export const joinedQuery = (store: Store, scope: Scope, attributes: readonly string[]) => {
  const p = scopedPredictions(scope)
  return rows<JoinedRow>(
    store,
    `SELECT source_partition AS p, variant, attr, segments[attr] AS grp, class_label AS pred, g.label_class AS label,
            toUInt8(ifNull(g.matched, 0)) AS labeled,
            if(score IS NULL, NULL, round(assumeNotNull(score), 3)) AS s, count() AS c,
            sum(if(labeled = 1, greatest(0, dateDiff('millisecond', event_time, g.label_time)), 0)) / 1000 AS delay_s
     FROM ${p.sql} AS pr
     LEFT JOIN ${scopedLabels(p.sql, 'prediction_id, label_class, label_time, toUInt8(1) AS matched')} AS g USING prediction_id
     ARRAY JOIN arrayConcat([''], {attributes:Array(String)}) AS attr
     WHERE (attr = '' AND labeled = 1) OR (attr != '' AND mapContains(segments, attr) AND segments[attr] != '')
     GROUP BY p, variant, attr, grp, pred, label, labeled, s
     ORDER BY p, variant, attr, grp, pred, label, labeled, s`,
    { ...p.params, attributes },
  )
}

export const sampleQuery = (store: Store, scope: Scope, perFeature: number) => {
  const p = scopedPredictions(scope)
  return rows<{ k: string; values: number[] }>(
    store,
    `SELECT k, groupArray(v) AS values FROM (
       SELECT k, v FROM ${p.sql} ARRAY JOIN mapKeys(features_num) AS k, mapValues(features_num) AS v
       WHERE isFinite(v) ORDER BY k, cityHash64(prediction_id, k) LIMIT {n:UInt32} BY k
       UNION ALL
       SELECT '__score__' AS k, assumeNotNull(score) AS v FROM ${p.sql}
       WHERE score IS NOT NULL ORDER BY cityHash64(prediction_id) LIMIT {n:UInt32}
       UNION ALL
       SELECT '__value__' AS k, assumeNotNull(value) AS v FROM ${p.sql}
       WHERE value IS NOT NULL AND isFinite(assumeNotNull(value)) ORDER BY cityHash64(prediction_id) LIMIT {n:UInt32}
     ) GROUP BY k`,
    { ...p.params, n: perFeature },
  )
}

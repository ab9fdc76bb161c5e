/** A slice of stored predictions: one model (and version), one event-time period [from, to). */
import { clickhouseDateTime64 } from '../store/rows.js'

export interface Scope {
  readonly modelId: string
  /** null: every version of the model. */
  readonly modelVersion: string | null
  readonly fromMs: number
  readonly toMs: number
}

/**
 * The predictions of a scope, one row per prediction_id (the newest ingest wins, as
 * ReplacingMergeTree(ingested_at) keeps), as a subquery, and its parameters.
 *
 * Deduplicated within the scope rather than with FINAL: `FINAL WHERE event_time ...` applies the
 * filter after merging every row of the model (ClickHouse cannot know that no newer copy of an id
 * lies outside the period), so it read all of a model's history for one window (see
 * scripts/bench/evaluate-history.ts). Filtering first lets ClickHouse skip the parts and
 * partitions whose event_time range misses the period. The one difference: a prediction_id
 * re-sent for the same model with another event time or version counts in the scope of each copy
 * (with FINAL, only in the newest copy's); a re-sent id is meant to be the same prediction
 * (src/join/id-conflicts.ts), which this keeps exact. Copies with one ingested_at count once
 * (LIMIT 1 BY).
 */
export function scopedPredictions(scope: Scope): { sql: string; params: Record<string, unknown> } {
  const where = `model_id = {scopeModel:String}
             ${scope.modelVersion === null ? '' : 'AND model_version = {scopeVersion:String}'}
             AND event_time >= {scopeFrom:DateTime64(3, 'UTC')} AND event_time < {scopeTo:DateTime64(3, 'UTC')}`
  return {
    sql: `(SELECT * FROM {db}.predictions
           WHERE ${where}
             AND (prediction_id, ingested_at) IN (SELECT prediction_id, max(ingested_at) FROM {db}.predictions WHERE ${where} GROUP BY prediction_id)
           LIMIT 1 BY prediction_id)`,
    params: {
      scopeModel: scope.modelId,
      ...(scope.modelVersion === null ? {} : { scopeVersion: scope.modelVersion }),
      scopeFrom: clickhouseDateTime64(scope.fromMs),
      scopeTo: clickhouseDateTime64(scope.toMs),
    },
  }
}

/**
 * The newest label of each prediction of a scope (ground_truth FINAL), as a subquery over the
 * scope's parameters. PREWHERE on prediction_id, ground_truth's sorting key, is applied before
 * FINAL merges (all versions of an id pass or none), so only the scope's labels are merged
 * instead of every label ever stored.
 */
export function scopedLabels(scopeSql: string, columns: string): string {
  return `(SELECT ${columns} FROM {db}.ground_truth FINAL PREWHERE prediction_id IN (SELECT prediction_id FROM ${scopeSql}))`
}

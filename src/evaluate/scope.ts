/** A slice of stored predictions: one model (and version), one event-time period [from, to). */
import { clickhouseDateTime64 } from '../store/rows.js'

export interface Scope {
  readonly modelId: string
  /** null: every version of the model (a fixed reference period). */
  readonly modelVersion: string | null
  readonly fromMs: number
  readonly toMs: number
}

/** The predictions of a scope, deduplicated (FINAL), as a subquery (`{db}`: src/store/query.ts), and its parameters. */
export function scopedPredictions(scope: Scope): { sql: string; params: Record<string, unknown> } {
  return {
    sql: `(SELECT * FROM {db}.predictions FINAL
           WHERE model_id = {scopeModel:String}
             ${scope.modelVersion === null ? '' : 'AND model_version = {scopeVersion:String}'}
             AND event_time >= {scopeFrom:DateTime64(3, 'UTC')} AND event_time < {scopeTo:DateTime64(3, 'UTC')})`,
    params: {
      scopeModel: scope.modelId,
      ...(scope.modelVersion === null ? {} : { scopeVersion: scope.modelVersion }),
      scopeFrom: clickhouseDateTime64(scope.fromMs),
      scopeTo: clickhouseDateTime64(scope.toMs),
    },
  }
}

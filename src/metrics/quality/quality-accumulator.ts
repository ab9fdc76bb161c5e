/**
 * Data quality of a window of rows against a reference profile: ./feature-quality.ts for each
 * feature the profile lists, as one mergeable accumulator (OpenTelemetry's Aggregator shape),
 * so windows and partitions merge into the quality of the pooled rows.
 *
 * A feature absent from a row counts as missing there (a column that disappears reads as a
 * missing rate of 1). Columns the profile does not list are ignored. The state is plain JSON.
 * `update` mutates and returns the state; `merge` returns a new one and leaves its inputs alone.
 */
import { checkWeight } from '../weight.js'
import type { ReferenceProfile, Row } from '../profile/index.js'
import type { Accumulator } from '../types.js'
import {
  addFeatureValue,
  emptyFeatureQuality,
  type FeatureQuality,
  type FeatureQualityState,
  featureQualityResult,
  mergeFeatureQuality,
} from './feature-quality.js'

export interface QualityState {
  rows: number
  features: Record<string, FeatureQualityState>
}

export interface QualityResult {
  readonly rows: number
  readonly features: Readonly<Record<string, FeatureQuality>>
}

export function qualityAccumulator(profile: ReferenceProfile): Accumulator<QualityState, Row, QualityResult> {
  const names = Object.keys(profile.features)
  const reference = (name: string) => profile.features[name] as ReferenceProfile['features'][string]
  return {
    create: () => ({ rows: 0, features: Object.fromEntries(names.map((n) => [n, emptyFeatureQuality()])) }),
    update(state, row, weight = 1) {
      if (checkWeight(weight) === 0) return state
      state.rows += weight
      for (const name of names) {
        addFeatureValue(state.features[name] as FeatureQualityState, reference(name), Object.hasOwn(row, name) ? row[name] : undefined, weight)
      }
      return state
    },
    merge: (a, b) => ({
      rows: a.rows + b.rows,
      features: Object.fromEntries(
        names.map((n) => [n, mergeFeatureQuality(a.features[n] ?? emptyFeatureQuality(), b.features[n] ?? emptyFeatureQuality())]),
      ),
    }),
    result: (state) => ({
      rows: state.rows,
      features: Object.fromEntries(
        names.map((n) => [n, featureQualityResult(state.features[n] ?? emptyFeatureQuality(), reference(n))]),
      ),
    }),
  }
}

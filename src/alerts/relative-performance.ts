/**
 * Performance relative to the reference: value = (window − reference) / |reference|, so
 * "F1 dropped by more than 10%" is `op: '<', threshold: -0.1`.
 *
 * The reference value is the realized metric of the model's reference windows (driftwatch.yaml
 * `reference`), averaged with each window's labeled count as weight:
 * - { from, to }: the windows starting in [from, to), every version (as the evaluator's fixed reference);
 * - { previousWindows: N }: the N windows before the window, same version;
 * - { baseline }: a stored profile has no per-window performance rows: no value (no verdict).
 * A weighted mean of per-window F1 is not the F1 of the pooled confusion matrix; with similar
 * window sizes the two are close, and the stored rows carry no confusion counts to do better.
 */
import { modelConfig, type FileConfig } from '../config/file.js'
import type { MetricPoint } from '../rules/evaluate.js'
import type { Rule } from '../rules/schema.js'
import type { Store } from '../store/clickhouse.js'
import { queryRows } from './sql.js'
import { maxOf, minOf, pushAll } from '../arrays.js'

type PerformanceRule = Extract<Rule, { metric: 'performance' }>

interface RefRow {
  model_version: string
  ws: string
  value: number | null
  n: string
}

export function weightedMean(rows: readonly { value: number | null; n: number }[]): number | null {
  let sum = 0
  let weight = 0
  for (const r of rows) {
    if (r.value === null || !Number.isFinite(r.value) || r.n <= 0) continue
    sum += r.value * r.n
    weight += r.n
  }
  return weight > 0 ? sum / weight : null
}

/**
 * (value − reference) / |reference|. An infinite value (an rmse that overflowed) is an infinite
 * change, which a rule compares like any other; no change without a finite, non-zero reference or
 * with an undefined (NaN) value.
 */
export const relativeChange = (value: number | null, reference: number | null): number | null =>
  value === null || Number.isNaN(value) || reference === null || reference === 0 || !Number.isFinite(reference) ? null : (value - reference) / Math.abs(reference)

export async function relativeToReference(store: Store, rule: PerformanceRule, file: FileConfig, points: readonly MetricPoint[]): Promise<MetricPoint[]> {
  const out: MetricPoint[] = []
  const models = [...new Set(points.map((p) => p.modelId))]
  for (const modelId of models) {
    const mine = points.filter((p) => p.modelId === modelId)
    const ref = modelConfig(file, modelId).reference
    if ('baseline' in ref) {
      pushAll(out, mine.map((p) => ({ ...p, value: null })))
      continue
    }
    const len = maxOf(mine.map((p) => p.windowEndMs - p.windowStartMs))
    const range = 'from' in ref
      ? { from: ref.from, to: ref.to }
      : { from: minOf(mine.map((p) => p.windowStartMs)) - ref.previousWindows * len, to: maxOf(mine.map((p) => p.windowStartMs)) }
    const rows = (await queryRows<RefRow>(
      store,
      `SELECT model_version, toUnixTimestamp64Milli(window_start) AS ws, value, n FROM {db}.performance FINAL
       WHERE model_id = {m:String} AND metric = {name:String} AND kind = 'realized' AND variant = {variant:String}
         AND window_start >= fromUnixTimestamp64Milli({from:Int64}) AND window_start < fromUnixTimestamp64Milli({to:Int64})`,
      { m: modelId, name: rule.statistic, variant: rule.variant, from: range.from, to: range.to },
    )).map((r) => ({ version: r.model_version, startMs: Number(r.ws), value: r.value === null ? null : Number(r.value), n: Number(r.n) }))
    const fixed = 'from' in ref ? weightedMean(rows) : null
    for (const p of mine) {
      const reference = 'from' in ref
        ? fixed
        : weightedMean(rows.filter((r) => r.version === p.modelVersion && r.startMs < p.windowStartMs && r.startMs >= p.windowStartMs - ref.previousWindows * (p.windowEndMs - p.windowStartMs)))
      out.push({ ...p, value: relativeChange(p.value, reference) })
    }
  }
  return out
}

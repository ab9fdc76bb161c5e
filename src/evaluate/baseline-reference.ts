/**
 * A stored baseline profile (src/metrics/profile, written by `driftwatch baseline`) as the
 * reference side of a window's evaluation, in the shape a reference built from stored
 * predictions has. Pure.
 *
 *   numerical feature  edges = binEdges (the same numpy-linear deciles a stored reference's
 *                      order statistics give), counts = binCounts, sample = the profile's
 *                      deterministic sample (KS, Wasserstein; none: those two are NaN), few
 *                      values = the profile's exact `values` (kept when at most 5; else null)
 *   categorical        category counts
 *   score              binEdges / binCounts / sample as __score__
 *   prediction class   category counts as __class__
 *   labels             label counts; labeled = their total
 *   binary performance confusion counts (1 = the profile's positive class) and the score
 *                      histogram, for degradation and calibration drift
 *   quality            ranges, tails and usual categories (./quality-bounds.ts)
 * Kinds are the profile's: build it with the kinds the events have (numbers numerical,
 * strings categorical), as `driftwatch baseline` does, or a feature will not line up.
 */
import type { NumericalProfile, ReferenceProfile } from '../metrics/profile/index.js'
import type { ReferenceSide } from './compute.js'
import { dict, emptyPartial } from './partial-state.js'
import { boundsFromProfile, type QualityBounds } from './quality-bounds.js'

export interface ProfileReference extends ReferenceSide {
  readonly edges: Map<string, number[]>
  readonly quality: QualityBounds
}

const sum = (rec: Readonly<Record<string, number>>) => Object.values(rec).reduce((a, b) => a + b, 0)

export function referenceFromProfile(profile: ReferenceProfile): ProfileReference {
  const partial = emptyPartial()
  const edges = new Map<string, number[]>()
  const samples = new Map<string, readonly number[]>()
  partial.predictions = profile.rows
  const fewValues = (partial.fewValues = dict<Record<string, number> | null>())
  const numerical = (key: string, f: NumericalProfile) => {
    edges.set(key, [...f.binEdges])
    partial.numeric[key] = [...f.binCounts]
    samples.set(key, f.sample ?? [])
    // The profile keeps a column's value counts exactly when it has at most 5 distinct values.
    if (f.finite > 0) fewValues[key] = f.values ? { ...f.values } : null
  }
  for (const [name, f] of Object.entries(profile.features)) {
    if (f.missing > 0) partial.missing[name] = f.missing
    if (f.kind === 'numerical') numerical(name, f)
    else partial.categorical[name] = { ...f.categories }
  }
  const t = profile.targets
  if (t.score) numerical('__score__', t.score)
  if (t.prediction) partial.categorical['__class__'] = { ...t.prediction.categories }
  if (t.label) {
    partial.labelCounts = { ...t.label.categories }
    partial.labeled = sum(t.label.categories)
  }
  const c = t.performance.classification
  if (t.task === 'binary' && c) partial.confusion[''] = { labels: [...c.labels], counts: c.matrix.map((row) => [...row]), excluded: 0, ...(c.foldedMatches ? { foldedMatches: c.foldedMatches } : {}) }
  const h = t.performance.probabilistic?.scoreHistogram
  if (t.task === 'binary' && h) partial.ranking[''] = { ...h, positives: [...h.positives], negatives: [...h.negatives] }
  return { partial, samples, edges, quality: boundsFromProfile(profile) }
}

/**
 * The reference a window is compared with: a fixed past period of stored predictions (every
 * version of the model), the previous N windows of the same version (rolling), or a baseline
 * profile stored by `driftwatch baseline` (./baseline-reference.ts). For stored predictions the
 * bin edges are the reference's deciles (numpy 'linear', interpolated from ClickHouse's order
 * statistics by the profile's own arithmetic, ./queries.ts edgesQuery; duplicate edges
 * collapsed, and when ties collapse any, the reference's range closed with its min and max, as
 * in a profile: src/metrics/drift/reference-bins.ts), its partial aggregate is built over those
 * edges, and the quality bounds come from the same query (./quality-bounds.ts).
 */
import type { ModelConfig } from '../config/file.js'
import { decileEdges } from '../metrics/drift/index.js'
import type { Store } from '../store/clickhouse.js'
import { referenceFromProfile } from './baseline-reference.js'
import type { ReferenceSide } from './compute.js'
import { buildPartials, emptyPartial, mergeAll, type LabelingContext } from './partials.js'
import { loadProfile } from './profiles.js'
import { boundsFromEdges, NO_BOUNDS, type QualityBounds } from './quality-bounds.js'
import { edgesQuery, sampleQuery } from './queries.js'
import type { Scope } from './scope.js'

export type ReferenceSource =
  | { readonly kind: 'scope'; readonly scope: Scope }
  | { readonly kind: 'baseline'; readonly modelId: string; readonly version: 'latest' | number }

export interface Reference extends ReferenceSide {
  readonly edges: Map<string, number[]>
  readonly quality: QualityBounds
  readonly description: string
}

export function referenceSource(model: ModelConfig, modelVersion: string, windowStartMs: number, windowMs: number): ReferenceSource {
  const r = model.reference
  if ('baseline' in r) return { kind: 'baseline', modelId: model.id, version: r.baseline }
  if ('from' in r) return { kind: 'scope', scope: { modelId: model.id, modelVersion: null, fromMs: r.from, toMs: r.to } }
  return { kind: 'scope', scope: { modelId: model.id, modelVersion, fromMs: windowStartMs - r.previousWindows * windowMs, toMs: windowStartMs } }
}

/**
 * How a window names its reference period in window_summary.reference: `version <v> <from>..<to>`
 * or `all versions <from>..<to>` (ISO times). The Grafana-managed f1-drop rule
 * (alerts/grafana/driftwatch-rules.yaml) parses this text to find the reference's F1, and
 * test/alerts-metrics.test.ts checks it: change both together.
 */
export function describeScope(scope: Scope): string {
  const iso = (ms: number) => new Date(ms).toISOString()
  return `${scope.modelVersion === null ? 'all versions' : `version ${scope.modelVersion}`} ${iso(scope.fromMs)}..${iso(scope.toMs)}`
}

export async function loadReference(store: Store, source: ReferenceSource, ctx: LabelingContext, maxSampleSize: number): Promise<Reference> {
  if (source.kind === 'baseline') {
    const stored = await loadProfile(store, source.modelId, source.version)
    if (!stored) {
      return { partial: emptyPartial(), samples: new Map(), edges: new Map(), quality: NO_BOUNDS, description: `baseline ${source.version}: no stored profile` }
    }
    return { ...referenceFromProfile(stored.profile), description: `baseline profile ${stored.profileVersion}` }
  }
  const { scope } = source
  const edgeRows = (await edgesQuery(store, scope)).filter((r) => Number(r.n) > 0)
  const edges = new Map(edgeRows.map((r) => [r.k, decileEdges(r.q, r.lo, r.hi)]))
  const [parts, samples] = await Promise.all([buildPartials(store, scope, { edges }, ctx, { withLabels: true }), sampleQuery(store, scope, maxSampleSize)])
  const partial = mergeAll(parts, ctx)
  return {
    partial,
    samples: new Map(samples.map((s) => [s.k, s.values])),
    edges,
    quality: boundsFromEdges(edgeRows, partial.categorical),
    // A window compared with nothing has no drift rows (./evaluator.ts); its summary says why: a
    // model's first window, or a fixed period whose raw rows retention.raw has removed.
    description: partial.predictions === 0 ? `${describeScope(scope)}: no stored predictions` : describeScope(scope),
  }
}

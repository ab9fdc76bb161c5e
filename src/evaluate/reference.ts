/**
 * The reference a window is compared with: a fixed past period of stored predictions (every
 * version of the model), or the previous N windows of the same version (rolling). Its bin edges
 * are its deciles (numpy 'linear' = ClickHouse quantileExactInclusive, duplicate edges
 * collapsed), and its partial aggregate is built over those edges.
 */
import type { ModelConfig } from '../config/file.js'
import type { Store } from '../store/clickhouse.js'
import { mergePartials, buildPartials, emptyPartial, type LabelingContext } from './partials.js'
import { edgesQuery, sampleQuery } from './queries.js'
import type { Scope } from './scope.js'
import type { Side } from './compute.js'

export interface Reference extends Side {
  readonly scope: Scope
  readonly edges: Map<string, number[]>
  readonly description: string
}

export function referenceScope(model: ModelConfig, modelVersion: string, windowStartMs: number, windowMs: number): Scope {
  const r = model.reference
  if ('from' in r) return { modelId: model.id, modelVersion: null, fromMs: r.from, toMs: r.to }
  return { modelId: model.id, modelVersion, fromMs: windowStartMs - r.previousWindows * windowMs, toMs: windowStartMs }
}

export function describeScope(scope: Scope): string {
  const iso = (ms: number) => new Date(ms).toISOString()
  return `${scope.modelVersion === null ? 'all versions' : `version ${scope.modelVersion}`} ${iso(scope.fromMs)}..${iso(scope.toMs)}`
}

const collapse = (q: readonly number[]) => [...new Set(q)].sort((a, b) => a - b)

export async function loadReference(store: Store, scope: Scope, ctx: LabelingContext, maxSampleSize: number): Promise<Reference> {
  const edges = new Map((await edgesQuery(store, scope)).filter((r) => Number(r.n) > 0).map((r) => [r.k, collapse(r.q)]))
  const [parts, samples] = await Promise.all([buildPartials(store, scope, edges, ctx, { withLabels: true }), sampleQuery(store, scope, maxSampleSize)])
  const partial = [...parts.values()].reduce((a, b) => mergePartials(a, b, ctx), emptyPartial())
  return { scope, edges, partial, samples: new Map(samples.map((s) => [s.k, s.values])), description: describeScope(scope) }
}

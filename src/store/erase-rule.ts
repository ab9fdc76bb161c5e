/**
 * Which stored rows an erasure removes, decided from the stored versions of the prediction ids
 * that ever named the subject. Pure.
 *
 * predictions is a ReplacingMergeTree(ingested_at) keyed by (model_id, prediction_id): re-sending
 * an id stores a new version and the newest wins (`FINAL` reads it, across month partitions too);
 * older versions stay stored until a merge and still count in the window of their own event time
 * (src/evaluate/scope.ts). The rule, per (model_id, prediction_id) with a version naming the subject:
 *
 * - its current version (the one FINAL reads) names the subject or no one: the prediction is the
 *   subject's. Every version goes, whatever subject it names (an older version left behind would
 *   become the current one and bring the prediction back), and so do the labels and dead letters
 *   of its prediction_id;
 * - its current version names another subject: the prediction is theirs and stays, with its
 *   labels and dead letters. Only the versions naming the subject go: they hold the subject's
 *   data as it was sent.
 *
 * Labels and dead letters name no model; a prediction_id belongs to one model
 * (src/join/id-conflicts.ts), but data stored before that rule may hold the id in several: its
 * labels then stay when any model's current version names another subject.
 *
 * The windows to re-evaluate are those where a removed row counted: the windows of every removed
 * version, and of every stored version of an id whose labels are removed. The subject's pii values
 * (removed from derived data) are those of the removed versions that do not name another subject.
 */

/** Whom a stored version names, compared in ClickHouse: other subjects' ids never leave it. */
export type Named = 'subject' | 'other' | 'none'

export interface StoredVersion {
  readonly modelId: string
  readonly predictionId: string
  readonly modelVersion: string
  readonly eventTimeMs: number
  readonly featuresCat: Readonly<Record<string, string>>
  readonly named: Named
}

export interface CurrentVersion {
  readonly modelId: string
  readonly predictionId: string
  readonly named: Named
}

export interface ErasureRows {
  /** Per model, the prediction ids that are the subject's: every version goes. */
  readonly subjectIds: ReadonlyMap<string, readonly string[]>
  /** Prediction ids whose labels and dead letters go. */
  readonly labelIds: readonly string[]
  /** Every version that goes. */
  readonly removed: readonly StoredVersion[]
  /** Of `removed`, the versions naming the subject of predictions that are another subject's, and those ids. */
  readonly superseded: { readonly rows: number; readonly predictionIds: number }
  /** The versions whose windows counted a removed row or label. */
  readonly counted: readonly StoredVersion[]
  /** The subject's pii values as stored (pseudonyms), by model. */
  readonly piiValues: ReadonlyMap<string, ReadonlySet<string>>
}

const keyOf = (v: { modelId: string; predictionId: string }) => `${v.modelId}\u0000${v.predictionId}`

/**
 * `versions`: every stored version of the prediction ids that have a version naming the subject
 * (all models). `current`: the current version of each (model, id) among them. A (model, id)
 * without a current version (deleted in between) counts as the subject's. `pii(modelId)`: the
 * model's pii features.
 */
export function erasureRows(versions: readonly StoredVersion[], current: readonly CurrentVersion[], pii: (modelId: string) => readonly string[]): ErasureRows {
  const currentOf = new Map(current.map((c) => [keyOf(c), c.named]))
  const namingSubject = new Set(versions.filter((v) => v.named === 'subject').map(keyOf))
  const isSubjects = (k: string) => namingSubject.has(k) && currentOf.get(k) !== 'other'
  // Ids some model's current version gives to another subject.
  const othersIds = new Set(current.filter((c) => c.named === 'other').map((c) => c.predictionId))

  const byModel = new Map<string, Set<string>>()
  const removed: StoredVersion[] = []
  const supersededIds = new Set<string>()
  for (const v of versions) {
    const k = keyOf(v)
    if (isSubjects(k)) {
      removed.push(v)
      byModel.set(v.modelId, (byModel.get(v.modelId) ?? new Set()).add(v.predictionId))
    } else if (v.named === 'subject') {
      removed.push(v)
      supersededIds.add(k)
    }
  }
  const subjectIds = new Map([...byModel].map(([modelId, ids]) => [modelId, [...ids].sort()] as const))
  const labelIds = [...new Set([...subjectIds.values()].flat())].filter((id) => !othersIds.has(id)).sort()
  const labelled = new Set(labelIds)
  const gone = new Set(removed)
  const counted = versions.filter((v) => gone.has(v) || labelled.has(v.predictionId))

  const piiValues = new Map<string, Set<string>>()
  for (const v of removed) {
    if (v.named === 'other') continue
    for (const feature of pii(v.modelId)) {
      const value = v.featuresCat[feature]
      if (value !== undefined) piiValues.set(v.modelId, (piiValues.get(v.modelId) ?? new Set()).add(value))
    }
  }
  return {
    subjectIds,
    labelIds,
    removed,
    superseded: { rows: removed.filter((v) => !isSubjects(keyOf(v))).length, predictionIds: supersededIds.size },
    counted,
    piiValues,
  }
}

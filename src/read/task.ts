/**
 * A model's task as the read queries see it: as driftwatch.yaml sets it, or, for a model this
 * process has no settings for (removed from driftwatch.yaml, or `status` run with the database
 * but not the file that evaluated it), as its stored rows tell, the way ./models.ts reads its
 * window size and reference from its stored windows. The defaults of modelConfig() would call
 * every such model binary: a regression model's headline would then look for roc_auc and find
 * none, while its stored mae is there.
 *
 * What tells (the rows src/evaluate writes, docs/evaluation.md):
 * - performance metric names: mae, rmse, mape, r2 are regression's only (src/evaluate/task-rows.ts);
 *   *_macro and *_weighted multiclass's only; roc_auc, precision, recall, f1, false_positive_rate
 *   and selection_rate (and any estimated row: CBPE) binary's only (src/evaluate/concept-rows.ts);
 * - otherwise the scores and values predictions carried: a calibration drift row (scores against
 *   binary outcomes) is binary's; a prediction drift row over `value` regression's, over `score`
 *   binary's (multiclass and class-only binary predictions are compared by `class`, which tells
 *   neither);
 * - nothing else: 'unknown', never a guess.
 */
import { isConfigured, type ReadDeps } from './deps.js'
import { modelConfig } from '../config/file.js'
import { readRows } from './sql.js'

export type Task = 'binary' | 'multiclass' | 'regression' | 'unknown'

const REGRESSION = new Set(['mae', 'rmse', 'mape', 'r2'])
const BINARY = new Set(['roc_auc', 'precision', 'recall', 'f1', 'false_positive_rate', 'selection_rate'])

/** What a model's stored rows say about its task. Pure. */
export interface StoredTaskEvidence {
  /** Distinct performance metric names, of any kind. */
  readonly metrics: readonly string[]
  /** Whether any performance row is an estimate (CBPE: binary models with scores). */
  readonly estimated: boolean
  /** Distinct `target:column` of its prediction and calibration drift rows. */
  readonly driftColumns: readonly string[]
}

export function inferTask(e: StoredTaskEvidence): Task {
  if (e.metrics.some((m) => REGRESSION.has(m))) return 'regression'
  if (e.metrics.some((m) => m.endsWith('_macro') || m.endsWith('_weighted'))) return 'multiclass'
  if (e.estimated || e.metrics.some((m) => BINARY.has(m))) return 'binary'
  if (e.driftColumns.some((c) => c.startsWith('calibration:') || c === 'prediction:score')) return 'binary'
  if (e.driftColumns.includes('prediction:value')) return 'regression'
  return 'unknown'
}

/** The task of each of `models`: configured, or inferred from what is stored (two queries for all the unconfigured ones). */
export async function modelTasks(deps: ReadDeps, models: readonly string[]): Promise<Map<string, Task>> {
  const out = new Map<string, Task>()
  const unconfigured = models.filter((id) => !isConfigured(deps, id))
  for (const id of models) if (isConfigured(deps, id)) out.set(id, modelConfig(deps.file, id).task)
  if (unconfigured.length === 0) return out
  const params = { ids: unconfigured }
  const [metrics, drift] = await Promise.all([
    readRows<{ model_id: string; metrics: string[]; estimated: number | string }>(deps.store,
      `SELECT model_id, groupUniqArray(metric) AS metrics, max(kind = 'estimated') AS estimated
       FROM {db}.performance WHERE model_id IN {ids:Array(String)} GROUP BY model_id`, params),
    readRows<{ model_id: string; columns: string[] }>(deps.store,
      `SELECT model_id, groupUniqArray(concat(target, ':', column)) AS columns
       FROM {db}.drift WHERE model_id IN {ids:Array(String)} AND target IN ('prediction', 'calibration') GROUP BY model_id`, params),
  ])
  for (const id of unconfigured) {
    const m = metrics.find((r) => r.model_id === id)
    out.set(id, inferTask({
      metrics: m?.metrics ?? [],
      estimated: Number(m?.estimated ?? 0) === 1,
      driftColumns: drift.find((r) => r.model_id === id)?.columns ?? [],
    }))
  }
  return out
}

/** One model's task (see modelTasks). */
export async function modelTask(deps: ReadDeps, model: string): Promise<Task> {
  return (await modelTasks(deps, [model])).get(model)!
}

/**
 * The monitored models: those driftwatch.yaml lists and those with evaluated windows (accepted
 * with default settings), by id, each with its task, versions, variants, window size, reference,
 * its latest window's headline figures and its firing alerts; all of them a page at a time, or
 * one by id. A model without settings here has its task, window size and reference read from
 * what is stored (./task.ts, windowSettings), not the defaults it would be evaluated with now.
 * The latest window is the newest that has started at the read's clock (deps.now): a window
 * stored ahead of time (events stamped up to ingest.maxFutureMs ahead) is listed in the series,
 * marked `future`, and becomes the latest once the clock reaches its start, as alert rules read it
 * (src/alerts/metric-points.ts).
 */
import { modelConfig, type ModelConfig } from '../config/file.js'
import { assertKnownModel, isConfigured, type ReadDeps } from './deps.js'
import { decodeCursor, isoTime, page } from './params.js'
import { int, readRows } from './sql.js'
import type { ModelSummary, Page, ReferenceDescription, VersionSummary } from './types.js'
import { headlines, startsAfter, type SummaryRow } from './windows.js'
import { mapLimited } from '../map-limited.js'
import { modelTasks } from './task.js'

/** Models whose headline figures are read at the same time (about seven queries each). */
const HEADLINES_AT_ONCE = 4

export interface ModelListOptions {
  readonly limit?: number
  readonly cursor?: string
}

/**
 * The reference as the evaluator stored it with a window (window_summary.reference, the
 * description src/evaluate/reference.ts writes: "baseline profile …", "all versions …..…" for a
 * fixed period, "version v1 …..…" for the previous windows of the same version).
 */
export function storedReference(description: string): ReferenceDescription {
  if (description.startsWith('baseline')) return { kind: 'baseline', description }
  if (description.startsWith('all versions')) return { kind: 'period', description }
  return { kind: 'previous_windows', description }
}

/**
 * Window size and reference of a model: as configured, or, for a model this process has no
 * settings for (e.g. `status` run with the database but not the driftwatch.yaml that evaluated
 * it), as its newest stored window says: a day for daily windows, not the default's hour.
 */
export function windowSettings(m: ModelConfig, configured: boolean, newest: { start: string; end: string; reference: string } | undefined): { window_ms: number; reference: ReferenceDescription } {
  if (configured || !newest) return { window_ms: m.window, reference: describeReference(m) }
  return { window_ms: int(newest.end) - int(newest.start), reference: storedReference(newest.reference) }
}

export function describeReference(m: ModelConfig): ReferenceDescription {
  const r = m.reference
  if ('baseline' in r) return { kind: 'baseline', description: `baseline profile ${r.baseline}` }
  if ('from' in r) return { kind: 'period', description: `${isoTime(r.from)}..${isoTime(r.to)}` }
  return { kind: 'previous_windows', description: `previous ${r.previousWindows} window(s) of the same version` }
}

export async function listModels(deps: ReadDeps, o: ModelListOptions = {}): Promise<Page<ModelSummary>> {
  const limit = o.limit ?? 100
  const after = o.cursor === undefined ? null : decodeCursor(o.cursor, ['string'] as const)[0]
  const stored = await readRows<{ model_id: string }>(deps.store, 'SELECT DISTINCT model_id FROM {db}.window_summary ORDER BY model_id')
  const ids = [...new Set([...deps.file.models.map((m) => m.id), ...stored.map((r) => r.model_id)])]
    .sort()
    .filter((id) => after === null || id > after)
  const paged = page(ids, limit, (id) => [id])
  if (paged.items.length === 0) return { items: [], next_cursor: null }
  return { items: await summaries(deps, paged.items), next_cursor: paged.next_cursor }
}

/**
 * One model's settings, versions, variants and latest headline (GET /v1/models/{model}): what a
 * page about that model needs, without every other model's headline. Unknown: 404 (./deps.ts).
 */
export async function getModel(deps: ReadDeps, model: string): Promise<ModelSummary> {
  await assertKnownModel(deps, model)
  return (await summaries(deps, [model]))[0]!
}

/** The summaries of `ids` (known models), in their order. */
async function summaries(deps: ReadDeps, ids: readonly string[]): Promise<ModelSummary[]> {
  const params = { ids }
  const nowMs = deps.now()
  const [stored, variants, firing, latest, tasks] = await Promise.all([
    readRows<{ model_id: string; model_version: string; windows: string; first: string; last: string }>(
      deps.store,
      `SELECT model_id, model_version, uniqExact(window_start) AS windows,
              toUnixTimestamp64Milli(min(window_start)) AS first, toUnixTimestamp64Milli(max(window_start)) AS last
       FROM {db}.window_summary WHERE model_id IN {ids:Array(String)} GROUP BY model_id, model_version ORDER BY model_id, model_version`,
      params),
    readRows<{ model_id: string; variants: string[] }>(deps.store, 'SELECT model_id, groupUniqArray(variant) AS variants FROM {db}.performance WHERE model_id IN {ids:Array(String)} GROUP BY model_id', params),
    readRows<{ model_id: string; firing: string }>(
      deps.store,
      `SELECT last_model AS model_id, countIf(last_status = 'firing') AS firing FROM (
         SELECT alert_key, argMax(status, changed_at) AS last_status, argMax(model_id, changed_at) AS last_model
         FROM {db}.alerts WHERE model_id IN {ids:Array(String)} AND transition_id != '' GROUP BY alert_key)
       GROUP BY last_model`,
      params),
    // The newest window of each model that has started (ties: the version with most predictions,
    // then by name); a model whose windows all lie ahead gets its newest one, for its settings only.
    readRows<SummaryRow & { model_id: string; reference: string }>(
      deps.store,
      `SELECT model_id, model_version, toUnixTimestamp64Milli(window_start) AS start, toUnixTimestamp64Milli(window_end) AS end, closed, eval_version,
              predictions, labeled, label_coverage, reference
       FROM {db}.window_summary FINAL WHERE model_id IN {ids:Array(String)}
       ORDER BY model_id, window_start <= fromUnixTimestamp64Milli({nowMs:Int64}) DESC, window_start DESC, predictions DESC, model_version LIMIT 1 BY model_id`,
      { ...params, nowMs }),
    modelTasks(deps, ids),
  ])
  // Each model's headline is a few queries: a page of up to 1,000 models runs them a few models at a time.
  return mapLimited(ids, HEADLINES_AT_ONCE, async (id): Promise<ModelSummary> => {
    const m = modelConfig(deps.file, id)
    const versions: VersionSummary[] = stored.filter((r) => r.model_id === id).map((r) => ({
      version: r.model_version, windows: int(r.windows), first_window_start: isoTime(int(r.first)), last_window_start: isoTime(int(r.last)),
    }))
    const seen = variants.find((v) => v.model_id === id)?.variants ?? []
    const newest = latest.filter((r) => r.model_id === id)
    const task = tasks.get(id)!
    const [headline] = await headlines(deps, id, newest.filter((r) => !startsAfter(r, nowMs)), 'all', nowMs, task)
    const configured = isConfigured(deps, id)
    return {
      model: id,
      configured,
      task,
      ...windowSettings(m, configured, newest[0]),
      versions,
      variants: [...seen].sort((a, b) => (a === 'all' ? -1 : b === 'all' ? 1 : a.localeCompare(b))),
      latest: headline ?? null,
      firing_alerts: int(firing.find((f) => f.model_id === id)?.firing ?? 0),
    }
  })
}

/**
 * What the read queries need: the store, the monitoring configuration and a clock (for defaults
 * such as "the last 7 days"); and the checks that the model, version and variant a request names
 * exist. A name the store does not have is 404 DW_NOT_FOUND, whether it is in the path or a
 * filter, so a typo is an error rather than an empty answer that reads as "nothing happened"; a
 * value that is not valid at all (a bad time, an unknown metric) is 400 DW_VALIDATION_FAILED.
 */
import type { FileConfig } from '../config/file.js'
import { DriftwatchError } from '../errors.js'
import type { Store } from '../store/clickhouse.js'
import { readRows } from './sql.js'

export interface ReadDeps {
  readonly store: Store
  readonly file: FileConfig
  readonly now: () => number
}

/** The variant every model has: all its predictions together. */
export const ALL_VARIANTS = 'all'
/** Names listed in a not-found message at most. */
const LISTED = 20

export const isConfigured = (deps: ReadDeps, model: string) => deps.file.models.some((m) => m.id === model)

const quoted = (s: string) => `"${s.slice(0, 256)}"`
const listed = (names: readonly string[]) => names.slice(0, LISTED).map(quoted).join(', ') + (names.length > LISTED ? ', …' : '')

/** A model is known when driftwatch.yaml lists it or it has evaluated windows. */
export async function isKnownModel(deps: ReadDeps, model: string): Promise<boolean> {
  if (isConfigured(deps, model)) return true
  const rows = await readRows(deps.store, 'SELECT 1 FROM {db}.window_summary WHERE model_id = {m:String} LIMIT 1', { m: model })
  return rows.length > 0
}

/**
 * The 404 of a model that is not known. `alsoNot` names what else a filter looked for it in
 * (e.g. "alerts"), for the routes where that also makes it known.
 */
export function unknownModel(model: string, alsoNot?: string): DriftwatchError {
  const has = alsoNot === undefined ? 'has no evaluated windows' : `has no evaluated windows or ${alsoNot}`
  return new DriftwatchError('DW_NOT_FOUND', `no model ${quoted(model)}: it is not in driftwatch.yaml and ${has}`, { path: 'model' })
}

/** Unknown model (see isKnownModel): 404. */
export async function assertKnownModel(deps: ReadDeps, model: string): Promise<void> {
  if (!(await isKnownModel(deps, model))) throw unknownModel(model)
}

/** A version of a known model is known when it has evaluated windows (those GET /v1/models lists); otherwise 404. */
export async function assertKnownVersion(deps: ReadDeps, model: string, version: string): Promise<void> {
  const rows = await readRows<{ v: string }>(
    deps.store,
    'SELECT DISTINCT model_version AS v FROM {db}.window_summary WHERE model_id = {m:String} ORDER BY v LIMIT {lim:UInt32}',
    { m: model, lim: LISTED + 1 },
  )
  if (rows.some((r) => r.v === version)) return
  // Fewer than all versions were read: ask for this one before calling it unknown.
  if (rows.length > LISTED && (await readRows(deps.store, 'SELECT 1 FROM {db}.window_summary WHERE model_id = {m:String} AND model_version = {v:String} LIMIT 1', { m: model, v: version })).length > 0) return
  const has = rows.length === 0 ? 'no evaluated window yet' : `evaluated windows of versions ${listed(rows.map((r) => r.v))}`
  throw new DriftwatchError('DW_NOT_FOUND', `model ${quoted(model)} has no version ${quoted(version)}: it has ${has}`, { path: 'version' })
}

/**
 * A deployment variant of a known model is known when it is 'all' or the model has performance
 * rows of it (the variants GET /v1/models lists); otherwise 404.
 */
export async function assertKnownVariant(deps: ReadDeps, model: string, variant: string): Promise<void> {
  if (variant === ALL_VARIANTS) return
  const rows = await readRows<{ v: string }>(deps.store, 'SELECT DISTINCT variant AS v FROM {db}.performance WHERE model_id = {m:String} ORDER BY v', { m: model })
  if (rows.some((r) => r.v === variant)) return
  const variants = [...new Set([ALL_VARIANTS, ...rows.map((r) => r.v)])]
  throw new DriftwatchError('DW_NOT_FOUND', `model ${quoted(model)} has no variant ${quoted(variant)}: its variants are ${listed(variants)}`, { path: 'variant' })
}

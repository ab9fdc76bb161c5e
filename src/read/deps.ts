/** What the read queries need: the store, the monitoring configuration and a clock (for defaults such as "the last 7 days"). */
import type { FileConfig } from '../config/file.js'
import { DriftwatchError } from '../errors.js'
import type { Store } from '../store/clickhouse.js'
import { readRows } from './sql.js'

export interface ReadDeps {
  readonly store: Store
  readonly file: FileConfig
  readonly now: () => number
}

export const isConfigured = (deps: ReadDeps, model: string) => deps.file.models.some((m) => m.id === model)

/** A model is known when driftwatch.yaml lists it or it has evaluated windows; otherwise 404. */
export async function assertKnownModel(deps: ReadDeps, model: string): Promise<void> {
  if (isConfigured(deps, model)) return
  const rows = await readRows(deps.store, 'SELECT 1 FROM {db}.window_summary WHERE model_id = {m:String} LIMIT 1', { m: model })
  if (rows.length === 0) throw new DriftwatchError('DW_NOT_FOUND', `no model "${model.slice(0, 256)}": it is not in driftwatch.yaml and has no evaluated windows`)
}

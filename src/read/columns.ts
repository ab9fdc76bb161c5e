/**
 * Columns a later migration adds (0012_drift_decisions: drift.p_value_adjusted and status,
 * dataset_drift.n_insufficient and status) are read when the table has them and given their
 * documented defaults otherwise, so the read API works on either schema. Looked up once per
 * store and table: migrations run before anything reads.
 */
import type { Store } from '../store/clickhouse.js'
import { readRows } from './sql.js'

const cache = new WeakMap<Store, Map<string, Promise<Set<string>>>>()

export function columnsOf(store: Store, table: string): Promise<Set<string>> {
  const tables = cache.get(store) ?? cache.set(store, new Map()).get(store)!
  let columns = tables.get(table)
  if (!columns) {
    columns = readRows<{ name: string }>(store, 'SELECT name FROM system.columns WHERE database = {db:String} AND table = {t:String}', { db: store.database, t: table })
      .then((rows) => new Set(rows.map((r) => r.name)))
    // A failed lookup is not remembered: the next request asks again.
    columns.catch(() => tables.delete(table))
    tables.set(table, columns)
  }
  return columns
}

/** `column` when the table has it, else `fallback AS column` (a SQL literal of the column's type). */
export async function optionalColumn(store: Store, table: string, column: string, fallback: string): Promise<string> {
  return (await columnsOf(store, table)).has(column) ? column : `${fallback} AS ${column}`
}

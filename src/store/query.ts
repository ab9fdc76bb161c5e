/**
 * How SQL names driftwatch's database, the one way: the text writes `{db}` where the database
 * goes (`SELECT … FROM {db}.predictions`, `table: '{db}.drift'` for an insert, and the migration
 * files schemas/clickhouse/*.sql), and `withDatabase` puts in the store's database name, a plain
 * identifier validated by the configuration (CLICKHOUSE_DATABASE) and checked again here. Nothing
 * else is spliced into SQL text: every value is a query parameter (`{name:Type}`).
 *
 * Read queries go through `queryRows`: `{db}` substituted, values as parameters, and a failure is
 * a retriable DW_CLICKHOUSE_QUERY_FAILED (the store may be restarting). `what` names the caller
 * in the message ("read query", "alerts query").
 */
import { DriftwatchError } from '../errors.js'
import { assertIdentifier, type Store } from './clickhouse.js'

/** `sql` with every `{db}` replaced by `database` (which must be a plain identifier). */
export function withDatabase(sql: string, database: string): string {
  return sql.replaceAll('{db}', assertIdentifier(database, 'ClickHouse database'))
}

export async function queryRows<T>(store: Store, sql: string, params: Record<string, unknown>, what: string): Promise<T[]> {
  const query = withDatabase(sql, store.database)
  try {
    const rs = await store.client.query({ query, query_params: params, format: 'JSONEachRow' })
    return await rs.json<T>()
  } catch (cause) {
    throw new DriftwatchError('DW_CLICKHOUSE_QUERY_FAILED', `${what} failed: ${(cause as Error).message}`, { cause, retriable: true })
  }
}

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
 *
 * By default ClickHouse writes a Float64 that is inf, -inf or nan as JSON null, so a stored ±∞
 * would read like a missing figure. A query whose float columns must tell them apart passes
 * `{ quoteDenormals: true }` (output_format_json_quote_denormals=1, added as the query's SETTINGS
 * clause, so the query must not have one): every Float64 in its rows may then arrive as a string
 * ("inf", "-inf", "nan", "-nan"), to be read with float64() (./float64.ts).
 */
import { DriftwatchError } from '../errors.js'
import { assertIdentifier, type Store } from './clickhouse.js'

/** `sql` with every `{db}` replaced by `database` (which must be a plain identifier). */
export function withDatabase(sql: string, database: string): string {
  return sql.replaceAll('{db}', assertIdentifier(database, 'ClickHouse database'))
}

export interface QueryOptions {
  /** Write inf, -inf and nan as quoted strings instead of null (read them with float64()). */
  readonly quoteDenormals?: boolean
}

export async function queryRows<T>(store: Store, sql: string, params: Record<string, unknown>, what: string, options: QueryOptions = {}): Promise<T[]> {
  const query = withDatabase(sql, store.database)
  try {
    // A SETTINGS clause, not clickhouse_settings: on chDB a call's own settings are SET on its
    // connection and set back after it (clickhouse.ts withQuerySettings), two more statements.
    const text = options.quoteDenormals ? `${query}\nSETTINGS output_format_json_quote_denormals = 1` : query
    const rs = await store.client.query({ query: text, query_params: params, format: 'JSONEachRow' })
    return await rs.json<T>()
  } catch (cause) {
    throw new DriftwatchError('DW_CLICKHOUSE_QUERY_FAILED', `${what} failed: ${(cause as Error).message}`, { cause, retriable: true })
  }
}

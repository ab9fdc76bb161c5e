/**
 * Why a window's evaluation failed, as a DriftwatchError whose `retriable` says whether the same
 * evaluation can succeed when tried again as it is. The evaluator (./evaluator.ts) fails the whole
 * pass on a retriable failure (ClickHouse unavailable: the pass is retried, nothing skipped) and
 * sets the window aside on any other, so that one window cannot stop every window after it.
 *
 * Decided on codes, never on message text, in this order (the first that applies):
 * 1. A ClickHouse error code on the error or its causes (src/store/refusals.ts clickHouseCodeOf):
 *    a refusal of the statement or of what it was given (QUERY_REFUSAL_CODES: content refusals,
 *    type and analysis errors, bad parameters) is not retriable; any other code is, as the
 *    ingest path assumes (overload, memory, timeouts, a server restarting, a table not there yet).
 *    It outranks 2-4: an insert's failure is a retriable DW_CLICKHOUSE_UNAVAILABLE whatever its
 *    cause (src/store/insert.ts).
 * 2. A parameter the client refused to bind (chDB's CHDB_BIND): not retriable, the same values
 *    are refused every time.
 * 3. A connection failure (a Node system code such as ECONNREFUSED, chDB's CHDB_CONNECTION or
 *    CHDB_CLOSED): retriable.
 * 4. A DriftwatchError: its own `retriable`.
 * 5. Anything else (a TypeError, RangeError or any error without a code): not retriable. This
 *    is the safe side for the evaluator: a window set aside is kept due and retried with backoff,
 *    which loses nothing, while a permanent failure taken for a transient one stops every window
 *    after it, and the alerts, until someone intervenes.
 *
 * A resource limit (RESOURCE_LIMIT_CODES: memory, rows or bytes read, time) is retriable by the
 * rules above, as the server may be short of memory for everyone for a while; but a window too
 * large for the limits fails so on every retry. exceededLimit names it, and the evaluator sets a
 * window aside once a resource limit stopped it twice in a row.
 */
import { causeChain, DriftwatchError, describeError, isDriftwatchError } from '../errors.js'
import { clickHouseCodeOf, CONTENT_REFUSAL_CODES } from '../store/refusals.js'

/** ClickHouse codes that refuse a statement or its data: ErrorCodes.cpp names, checked with the engine's errorCodeToName(). */
export const QUERY_REFUSAL_CODES: ReadonlyMap<number, string> = new Map([
  ...CONTENT_REFUSAL_CODES,
  [10, 'NOT_FOUND_COLUMN_IN_BLOCK'],
  [34, 'TOO_MANY_ARGUMENTS_FOR_FUNCTION'],
  [35, 'TOO_FEW_ARGUMENTS_FOR_FUNCTION'],
  [36, 'BAD_ARGUMENTS'],
  [42, 'NUMBER_OF_ARGUMENTS_DOESNT_MATCH'],
  [43, 'ILLEGAL_TYPE_OF_ARGUMENT'],
  [44, 'ILLEGAL_COLUMN'],
  [46, 'UNKNOWN_FUNCTION'],
  [47, 'UNKNOWN_IDENTIFIER'],
  [48, 'NOT_IMPLEMENTED'],
  [49, 'LOGICAL_ERROR'],
  [62, 'SYNTAX_ERROR'],
  [153, 'ILLEGAL_DIVISION'],
  [184, 'ILLEGAL_AGGREGATION'],
  [215, 'NOT_AN_AGGREGATE'],
  [352, 'AMBIGUOUS_COLUMN_NAME'],
  [386, 'NO_COMMON_TYPE'],
  [456, 'UNKNOWN_QUERY_PARAMETER'],
  [457, 'BAD_QUERY_PARAMETER'],
])

/**
 * ClickHouse codes of a query stopped by a resource limit (ErrorCodes.cpp names, checked with the
 * engine's errorCodeToName()). TOO_MANY_ROWS_OR_BYTES (396) is not among them: it is a content
 * refusal (CONTENT_REFUSAL_CODES), which sets the window aside at the first failure.
 */
export const RESOURCE_LIMIT_CODES: ReadonlyMap<number, string> = new Map([
  [158, 'TOO_MANY_ROWS'],
  [159, 'TIMEOUT_EXCEEDED'],
  [160, 'TOO_SLOW'],
  [173, 'CANNOT_ALLOCATE_MEMORY'],
  [241, 'MEMORY_LIMIT_EXCEEDED'],
  [307, 'TOO_MANY_BYTES'],
])

/** The name of the resource limit that stopped a query (RESOURCE_LIMIT_CODES), or null. */
export function exceededLimit(e: unknown): string | null {
  const code = clickHouseCodeOf(e)
  return code === null ? null : RESOURCE_LIMIT_CODES.get(code) ?? null
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN',
  'CHDB_CONNECTION', 'CHDB_CLOSED',
])

/** The string `code`s of the error and its causes (Node system codes, chDB's CHDB_*). */
function codesOf(e: unknown): string[] {
  return causeChain(e).flatMap((cur) => (typeof cur['code'] === 'string' ? [cur['code']] : []))
}

function retriable(e: unknown): boolean {
  const clickhouse = clickHouseCodeOf(e)
  if (clickhouse !== null) return !QUERY_REFUSAL_CODES.has(clickhouse)
  const codes = codesOf(e)
  if (codes.includes('CHDB_BIND')) return false
  if (codes.some((c) => CONNECTION_CODES.has(c))) return true
  return isDriftwatchError(e) ? e.retriable : false
}

/** The failure as a DriftwatchError with the retriable flag decided above (the error itself when it already agrees). */
export function windowFailure(e: unknown): DriftwatchError {
  const r = retriable(e)
  if (isDriftwatchError(e) && e.retriable === r) return e
  const fromClickHouse = clickHouseCodeOf(e) !== null || codesOf(e).some((c) => c.startsWith('CHDB_'))
  const code = r ? 'DW_CLICKHOUSE_UNAVAILABLE' : fromClickHouse ? 'DW_CLICKHOUSE_QUERY_FAILED' : 'DW_INTERNAL'
  return new DriftwatchError(code, describeError(e), { cause: e, retriable: r })
}

/**
 * An insert ClickHouse refuses for its content vs one it could not take right now.
 *
 * Content refusals are ClickHouse error codes that the same rows would get again on every retry
 * (parse errors, constraint violations, type and size errors): retrying them would block the
 * partition forever, so the ingest path isolates the refused rows and dead-letters them as
 * DW_STORE_REJECTED (src/pipeline/event-handler.ts). Every other failure (connection errors,
 * timeouts, TOO_MANY_PARTS, MEMORY_LIMIT_EXCEEDED, TABLE_IS_READ_ONLY, a server shutting down, a
 * missing table or column, and any code not listed here) stays retriable: an unknown code is
 * assumed transient, since wrongly retrying pauses a partition visibly (/readyz, metrics) while
 * wrongly dead-lettering would move good records out of the store.
 *
 * Codes: ClickHouse's src/Common/ErrorCodes.cpp, checked against chDB's errorCodeToName().
 * The code is read from @clickhouse/client's ClickHouseError.code (a numeric string) or chDB's
 * ChdbError.clickhouseCode, on the error or its cause chain; never from the message text.
 */
import { bisectFailures, type TryRange } from '../bisect.js'
import { causeChain } from '../errors.js'

export const CONTENT_REFUSAL_CODES: ReadonlyMap<number, string> = new Map([
  [6, 'CANNOT_PARSE_TEXT'],
  [25, 'CANNOT_PARSE_ESCAPE_SEQUENCE'],
  [26, 'CANNOT_PARSE_QUOTED_STRING'],
  [27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'],
  [32, 'ATTEMPT_TO_READ_AFTER_EOF'],
  [33, 'CANNOT_READ_ALL_DATA'],
  [38, 'CANNOT_PARSE_DATE'],
  [41, 'CANNOT_PARSE_DATETIME'],
  [53, 'TYPE_MISMATCH'],
  [69, 'ARGUMENT_OUT_OF_BOUND'],
  [70, 'CANNOT_CONVERT_TYPE'],
  [72, 'CANNOT_PARSE_NUMBER'],
  [117, 'INCORRECT_DATA'],
  [128, 'TOO_LARGE_ARRAY_SIZE'],
  [130, 'CANNOT_READ_ARRAY_FROM_TEXT'],
  [131, 'TOO_LARGE_STRING_SIZE'],
  [190, 'SIZES_OF_ARRAYS_DONT_MATCH'],
  [321, 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE'],
  [349, 'CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN'],
  [376, 'CANNOT_PARSE_UUID'],
  [395, 'FUNCTION_THROW_IF_VALUE_IS_NON_ZERO'],
  [396, 'TOO_MANY_ROWS_OR_BYTES'],
  [407, 'DECIMAL_OVERFLOW'],
  [441, 'CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING'],
  [467, 'CANNOT_PARSE_BOOL'],
  [469, 'VIOLATED_CONSTRAINT'],
  [675, 'CANNOT_PARSE_IPV4'],
  [676, 'CANNOT_PARSE_IPV6'],
  [691, 'UNKNOWN_ELEMENT_OF_ENUM'],
])

/** ClickHouse's numeric error code of a failure, from the error or its causes; null when none. */
export function clickHouseCodeOf(e: unknown): number | null {
  for (const cur of causeChain(e)) {
    const { clickhouseCode, code } = cur
    if (typeof clickhouseCode === 'number' && Number.isInteger(clickhouseCode)) return clickhouseCode
    // @clickhouse/client's ClickHouseError (its `name` is plain 'Error') carries the server's code
    // as a numeric string beside `type`; other errors' `code` (ECONNRESET, CHDB_INSERT) is not
    // numeric and is skipped.
    if ('type' in cur && typeof code === 'string' && /^\d+$/.test(code)) return Number(code)
  }
  return null
}

export interface Refusal {
  readonly clickhouseCode: number
  readonly codeName: string
  /** ClickHouse's message, without a stack. */
  readonly message: string
  /** The 1-based row of the insert's payload ClickHouse named, when it did. */
  readonly atRow: number | null
}

/** The failure as a content refusal, or null when it is (or may be) transient. */
export function contentRefusal(e: unknown): Refusal | null {
  const code = clickHouseCodeOf(e)
  const codeName = code === null ? undefined : CONTENT_REFUSAL_CODES.get(code)
  if (code === null || codeName === undefined) return null
  const message = e instanceof Error ? e.message : String(e)
  return { clickhouseCode: code, codeName, message, atRow: refusedRowOf(e, message) }
}

/**
 * The row a refusal names: chDB's ChdbInsertError.failedAtRow, else ClickHouse's "(at row N)"
 * (parse errors) or "violated at row N" (constraints). Only a hint for where to split: the
 * bisection tries that row alone, so a wrong hint costs inserts, never correctness.
 */
function refusedRowOf(e: unknown, message: string): number | null {
  for (const cur of causeChain(e)) {
    const row = cur['failedAtRow']
    if (typeof row === 'number' && Number.isInteger(row) && row > 0) return row
  }
  const m = /\bat row (\d+)\b/.exec(message)
  return m ? Number(m[1]) : null
}

/**
 * How many sub-inserts one batch may spend isolating refused rows. Each successful sub-insert is
 * a part on the table, so this also bounds the parts a bad batch creates. With a row hint a
 * refused row costs about 3 inserts (the rows before it, it alone, the rest), without one about
 * 2·log2(n) (bisection): a batch with up to ~20 scattered refused rows is resolved exactly.
 */
export const MAX_REFUSAL_INSERTS = 64

/** Rows [start, end) of the batch, refused. One row: exactly that row; more: the budget ran out. */
export interface RefusedRange {
  readonly start: number
  readonly end: number
  readonly refusal: Refusal
}

/** Inserts rows [start, end) of the batch; null once stored, the refusal if refused; throws when transient. */
export type TryInsert = TryRange<Refusal>

/**
 * Finds the refused rows of a batch of `n` rows whose insert as a whole was refused (`refusal`),
 * by bisection (src/bisect.ts), cutting around the row ClickHouse named when it named one. A
 * refused range the budget left whole holds at least one refused row; its other rows go to the
 * dead letters with it, raw bytes and all, rather than block the partition.
 */
export async function isolateRefused(n: number, refusal: Refusal, tryInsert: TryInsert, maxInserts = MAX_REFUSAL_INSERTS): Promise<{ refused: RefusedRange[]; inserts: number }> {
  const { failed, tries } = await bisectFailures(n, refusal, tryInsert, maxInserts, (why) => why.atRow)
  return { refused: failed.map(({ start, end, why }) => ({ start, end, refusal: why })), inserts: tries }
}

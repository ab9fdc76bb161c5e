/**
 * Request parameters of the read queries: times read as ingest reads them (epoch milliseconds, or
 * ISO 8601 with a zone or a bare date), and opaque page cursors (base64url JSON of the last item's
 * sort key). Bad input is a DW_VALIDATION_FAILED naming the parameter. Pure.
 *
 * Times are bounds of a range, not stored events, so ingest's bounds (2000-01-01 up to
 * ingest.maxFutureMs ahead) do not apply as such: `0` is the usual "from the start" (the web UI
 * asks for dead letters from=0) and a `to` far ahead means "until now"; neither is a mistake, and
 * either selects what a bound at the stored data's edge would. A bound after LATEST_BOUND_MS
 * (9999-12-31T23:59:59.999Z), up to the 16 digits epoch milliseconds may have (9000000000000000
 * is past what a JavaScript Date holds), is read as LATEST_BOUND_MS: no stored time comes near it
 * (ingest stores none after 2299), so it selects the same. A window's `{start}` is no bound: a
 * start a Date cannot hold is refused. A time before 1970-01-01 (a negative epoch) is refused: no
 * stored time is that early (event times start in 2000, processing times are now), so it can only
 * be a miscomputed bound.
 */
import { DriftwatchError } from '../errors.js'
import { parseTime as parseEventTime } from '../ingest/event-time.js'

/** Largest magnitude a JavaScript Date holds (ECMA-262 TimeClip): isoTime must not throw. */
const JS_DATE_LIMIT_MS = 8.64e15

/** The latest range bound: later ones are read as this (the last millisecond a 4-digit year writes). */
export const LATEST_BOUND_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

// ISO 8601's basic date form (20261201). Read as epoch ms it would be a time on 1970-01-01, which
// nobody asks for, so it is refused rather than guessed either way.
const BASIC_DATE = /^\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/

const invalid = (name: string, why: string) => new DriftwatchError('DW_VALIDATION_FAILED', `${name}: ${why}`, { path: name })

/**
 * `value` as epoch ms, read by ingest's parseTime (src/ingest/event-time.ts), so that a time means
 * the same whether it is sent or asked for: a date-time without a zone is refused (it would be
 * read in the server's time zone), and so is a day the month does not have.
 */
export function parseTime(value: string, name: string): number {
  const ms = readTime(value, name)
  if (ms > JS_DATE_LIMIT_MS) throw invalid(name, `${value.slice(0, 64)} is outside the times a date can hold`)
  return ms
}

/** A bound of a range (from, to, since): as parseTime, but a time after LATEST_BOUND_MS is read as LATEST_BOUND_MS. */
export function parseBound(value: string, name: string): number {
  return Math.min(readTime(value, name), LATEST_BOUND_MS)
}

function readTime(value: string, name: string): number {
  if (BASIC_DATE.test(value.trim())) {
    throw invalid(name, `"${value.trim()}" is ambiguous: write the date as ${value.trim().replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3')} or give epoch milliseconds`)
  }
  const ms = parseEventTime(value)
  if (typeof ms !== 'number') throw invalid(name, ms.problem)
  // Epoch ms are at most 16 digits and ISO years 4 (parseEventTime): ms is finite.
  if (ms < 0) throw invalid(name, `${value.trim().slice(0, 64)} is before 1970-01-01T00:00:00.000Z; give 0 for "from the start"`)
  return ms
}

export const optionalTime = (value: string | undefined, name: string): number | undefined => (value === undefined ? undefined : parseBound(value, name))

/** `from` and `to` of a query, each optional; `from` after `to` is refused rather than answered with nothing. */
export function timeRange(from: string | undefined, to: string | undefined): { from: number | undefined; to: number | undefined } {
  const range = { from: optionalTime(from, 'from'), to: optionalTime(to, 'to') }
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) {
    throw invalid('from', `${isoTime(range.from)} is after to (${isoTime(range.to)})`)
  }
  return range
}

export const isoTime = (ms: number): string => new Date(ms).toISOString()

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')
}

/** The sort key a cursor carries, checked against the expected element types. */
export function decodeCursor<T extends readonly ('string' | 'number')[]>(cursor: string, types: T): { [K in keyof T]: T[K] extends 'string' ? string : number } {
  let key: unknown
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    key = null
  }
  if (!Array.isArray(key) || key.length !== types.length || key.some((k, i) => typeof k !== types[i] || (typeof k === 'number' && !Number.isFinite(k)))) {
    throw new DriftwatchError('DW_VALIDATION_FAILED', 'cursor is not a next_cursor this API returned', { path: 'cursor' })
  }
  return key as never
}

/** The first `limit` items and the cursor of the next page (null when there is none). */
export function page<T>(rows: readonly T[], limit: number, keyOf: (row: T) => readonly (string | number)[]): { items: T[]; next_cursor: string | null } {
  const items = rows.slice(0, limit)
  return { items, next_cursor: rows.length > limit && items.length > 0 ? encodeCursor(keyOf(items.at(-1)!)) : null }
}

/**
 * Event times (event_time, label_time): one reading of JSON/CSV time values for HTTP ingest and the
 * backfill, and the bounds every path checks. Pure.
 *
 * Accepted forms: epoch milliseconds (a JSON integer, or a string of digits), or ISO 8601 with a
 * zone (Z or ±hh:mm) or a bare date (midnight UTC). A zone-less date-time is refused, because
 * Date.parse would read it in the local time zone of whichever machine parses it.
 *
 * Bounds: JavaScript Dates end at ±8.64e15 ms (ECMA-262 §21.4.1.22, TimeClip), and
 * `new Date(9e15).toISOString()` throws RangeError; ClickHouse DateTime64(3) ends at
 * 2299-12-31T23:59:59.999Z. A valid Avro long can exceed both, so every time is checked against
 * LATEST_TIME_MS before anything converts it, and messages format times with `describeTime`, which
 * never throws.
 */

/**
 * The latest time driftwatch stores, whatever ingest.maxFutureMs says: a year short of
 * DateTime64(3)'s end, so that window_end (start + window length) still fits.
 */
export const LATEST_TIME_MS = Date.UTC(2299, 0, 1)

/** Largest magnitude a JavaScript Date holds (ECMA-262 TimeClip). */
const JS_DATE_LIMIT_MS = 8.64e15

/** ISO 8601 when the value is a representable time, else the number itself: never throws. */
export function describeTime(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= JS_DATE_LIMIT_MS ? new Date(ms).toISOString() : String(ms)
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2}))?$/
const EPOCH_MS = /^-?\d{1,16}$/

/** Epoch ms (number or digit string) or ISO 8601 -> ms; anything else -> a message. */
export function parseTime(v: unknown): number | { problem: string } {
  if (typeof v === 'number') return v
  if (typeof v !== 'string') return { problem: 'must be epoch milliseconds or an ISO 8601 time' }
  const s = v.trim()
  if (EPOCH_MS.test(s)) return Number(s)
  const m = ISO_TIME.exec(s)
  const ms = m ? Date.parse(s) : NaN
  // Date.parse rolls 2026-02-30 over to March 2: check the calendar day against the month.
  const day = m ? Number(m[3]) : 0
  const dayOk = day >= 1 && (day <= 28 || day <= new Date(Date.UTC(Number(m![1]), Number(m![2]), 0)).getUTCDate())
  if (!m || Number.isNaN(ms) || !dayOk) {
    return { problem: `"${s.slice(0, 64)}" is not epoch milliseconds or an ISO 8601 time with a zone (Z or ±hh:mm) or a date` }
  }
  return ms
}

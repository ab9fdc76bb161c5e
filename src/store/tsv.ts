/**
 * ClickHouse's TabSeparated text form, written straight from events: the ingest path's insert
 * format. It replaces building row objects and `JSONEachRow` (JSON.stringify in JavaScript, then
 * a JSON parse in the engine), which cost about half of ingest's CPU (docs/performance.md).
 *
 * Conventions (ClickHouse docs, formats "TabSeparated" and "Data types in text"):
 * - a top-level string escapes `\`, tab, newline, carriage return, NUL, backspace and form feed
 *   with a backslash; `'` is escaped too, which TSV accepts, so one escape serves both forms;
 * - inside Map and Array, strings are single-quoted with the same escapes (`\'` for the quote);
 * - NULL is `\N`;
 * - numbers use JavaScript's shortest round-trip form (`String(x)`), which the engine reads back
 *   to the same double (`1e+21`, `5e-324` included); callers pass finite numbers only;
 * - DateTime64(3) is written as Unix seconds with three decimals (`1700000000.123`), which the
 *   engine parses without a time zone, so no `Date` or ISO string is built per event.
 * - numeric features go to the `features_num_hex` column (schemas/clickhouse/0016): each value
 *   is the 16 hex digits of the double's 8 bytes in little-endian order, the order Avro writes
 *   them, so the ingest path copies bytes where decimal text would cost a number-to-string
 *   conversion per value; the engine reads them back with `reinterpretAsFloat64(unhex(v))`, the
 *   same double. -0 is written as 0, as `String(-0)` would.
 * Pure: no I/O.
 */

const SPECIAL = /[\\\t\n\r\0\b\f']/

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  "'": "\\'",
}

/** A string's text form, without quotes. Most strings have nothing to escape: one regex test. */
export function tsvEscape(s: string): string {
  return SPECIAL.test(s) ? s.replace(/[\\\t\n\r\0\b\f']/g, (c) => ESCAPES[c]!) : s
}

export const TSV_NULL = '\\N'

export const tsvString = (s: string | null): string => (s === null ? TSV_NULL : tsvEscape(s))

export const tsvNumber = (x: number | null): string => (x === null ? TSV_NULL : String(x))

const quoted = (s: string) => `'${tsvEscape(s)}'`

/** Map(String, String) from an object's own enumerable keys (null-prototype objects included). */
export function tsvStringMap(map: Readonly<Record<string, string>>): string {
  let out = ''
  for (const k in map) out += `${out ? ',' : ''}${quoted(k)}:${quoted(map[k]!)}`
  return `{${out}}`
}

/** Map(String, Float64). */
export function tsvNumberMap(map: Readonly<Record<string, number>>): string {
  let out = ''
  for (const k in map) out += `${out ? ',' : ''}${quoted(k)}:${String(map[k])}`
  return `{${out}}`
}

/**
 * DateTime64(3) as Unix seconds with milliseconds. `ms` must be a whole number of milliseconds
 * at or after the epoch (validation keeps event times after 2000).
 */
export function tsvDateTime64(ms: number): string {
  const s = Math.floor(ms / 1000)
  const frac = ms - s * 1000
  return `${s}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}`
}

/** Byte -> its two lowercase hex digits, as character codes (high digit << 8 | low digit). */
const HEX_PAIRS = new Uint16Array(256)
for (let b = 0; b < 256; b++) HEX_PAIRS[b] = ('0123456789abcdef'.charCodeAt(b >> 4) << 8) | '0123456789abcdef'.charCodeAt(b & 15)

/** True when the 8 little-endian bytes at `at` are -0 (only the sign bit set). */
function isNegativeZero(src: Uint8Array, at: number): boolean {
  if (src[at + 7] !== 0x80) return false
  for (let i = at; i < at + 7; i++) if (src[i] !== 0) return false
  return true
}

/**
 * Writes the 16 hex digits of the little-endian double at `src[at..at+8)` into `out` at `pos`;
 * returns the position after them. -0 is written as 0.
 */
export function writeDoubleHex(src: Uint8Array, at: number, out: Uint8Array, pos: number): number {
  if (isNegativeZero(src, at)) {
    out.fill(0x30, pos, pos + 16)
    return pos + 16
  }
  for (let i = at; i < at + 8; i++) {
    const pair = HEX_PAIRS[src[i]!]!
    out[pos++] = pair >> 8
    out[pos++] = pair & 0xff
  }
  return pos
}

const scratch = new Float64Array(1)
const scratchBytes = new Uint8Array(scratch.buffer)
const hexOut = new Uint8Array(16)
const decoder = new TextDecoder()

/** A JavaScript number as the 16 hex digits of its little-endian bytes (the features_num_hex form). */
export function tsvDoubleHex(x: number): string {
  scratch[0] = x
  // Float64Array stores in the platform's order; every platform Node supports is little-endian.
  writeDoubleHex(scratchBytes, 0, hexOut, 0)
  return decoder.decode(hexOut)
}

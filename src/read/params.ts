/**
 * Request parameters of the read queries: times given as ISO 8601 or epoch milliseconds, and
 * opaque page cursors (base64url JSON of the last item's sort key). Bad input is a
 * DW_VALIDATION_FAILED naming the parameter. Pure.
 */
import { DriftwatchError } from '../errors.js'

const EPOCH_MS = /^-?\d{1,15}$/

/** `value` as epoch ms: an integer of milliseconds, or an ISO 8601 date or date-time. */
export function parseTime(value: string, name: string): number {
  const ms = EPOCH_MS.test(value) ? Number(value) : /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN
  if (!Number.isFinite(ms)) {
    throw new DriftwatchError('DW_VALIDATION_FAILED', `${name} must be an ISO 8601 date-time or epoch milliseconds, got "${value.slice(0, 64)}"`, { path: name })
  }
  return ms
}

export const optionalTime = (value: string | undefined, name: string): number | undefined => (value === undefined ? undefined : parseTime(value, name))

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

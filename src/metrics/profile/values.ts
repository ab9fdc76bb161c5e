/**
 * How a raw feature value is read, the same in the profile, data quality and outlier code.
 *
 * A feature value is whatever an event or a parsed CSV cell carries: a string, a number, a
 * boolean, or nothing. Conventions:
 * - missing: null, undefined, or the number NaN (pandas' missing marker). Missing values are
 *   counted, never compared with the reference.
 * - numerical features take numbers. ±Infinity is a number (an overflow, counted as
 *   `nonFinite` and outside any reference range); a string or a boolean is a type violation
 *   (a numeric string such as "3.5" too: a CSV reader converts cells before this point).
 * - categorical features take strings, booleans and finite numbers, compared as text
 *   (`String(x)`: true → "true", 2 → "2", so 2 and "2" are the same category, 2 and "2.0"
 *   are not). ±Infinity is a type violation. The empty string is a category like any other,
 *   as in ../drift/category-accumulator.ts.
 */

import type { ColumnKind } from '../drift/index.js'

export type { ColumnKind }

export type FeatureValue = string | number | boolean | null | undefined

export type Reading<T> = { readonly kind: 'missing' } | { readonly kind: 'violation' } | { readonly kind: 'value'; readonly value: T }

const MISSING = { kind: 'missing' } as const
const VIOLATION = { kind: 'violation' } as const

export function isMissing(v: FeatureValue): boolean {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))
}

/** A numerical feature's value: a number (±Infinity included), missing, or a type violation. */
export function readNumber(v: FeatureValue): Reading<number> {
  if (isMissing(v)) return MISSING
  return typeof v === 'number' ? { kind: 'value', value: v } : VIOLATION
}

/** A categorical feature's value as its category text, missing, or a type violation. */
export function readCategory(v: FeatureValue): Reading<string> {
  if (isMissing(v)) return MISSING
  if (typeof v === 'string') return { kind: 'value', value: v }
  if (typeof v === 'boolean' || Number.isFinite(v)) return { kind: 'value', value: String(v) }
  return VIOLATION
}

/**
 * A number written as a decimal (JavaScript/CSV syntax: -1.5, .5, 1e-3; not hex, not "1,5",
 * not inf): the text Number() reads as a finite number.
 */
export const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/** Code-unit order, the order categories are listed in everywhere (deterministic output). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * The key a binary model's class texts are compared by, in TS (`classKey`) and in SQL
 * (`classKeySql`): two classes are one when their keys are equal. As pandas and scikit-learn
 * compare a bool column with an int one (True == 1), `true` / `false` in any case are `1` / `0`;
 * a decimal number is named by its shortest form, as the report names numeric classes
 * (src/report/numeric-categories.ts): `1`, `1.0`, `1e0`, `01` and `True` are one class, `0.50`
 * is `0.5`, `-0` is `0`. Any other text (`yes`, `2a`, `inf`, a decimal beyond Float64's range) is
 * its own key. A multiclass model's classes are compared by `numberKey`, the same without the
 * booleans. Only comparisons read the key (metrics, and the label and predicted-class drift of
 * ./compute.ts through countsByKey): stored label counts and class names keep the text as sent. Pure.
 */
import { DECIMAL_TEXT } from '../metrics/profile/index.js'

export function classKey(text: string): string {
  const lower = text.toLowerCase()
  if (lower === 'true') return '1'
  if (lower === 'false') return '0'
  return numberKey(text)
}

/**
 * The key a multiclass model's class texts are compared by: a decimal number by its shortest
 * form (`1.0` is `1`, as scikit-learn compares an int label with a float prediction), any other
 * text as sent (`True` stays `True`: a multiclass model's classes are names, not booleans).
 */
export function numberKey(text: string): string {
  if (!DECIMAL_TEXT.test(text)) return text
  const n = Number(text)
  // -0 + 0 is 0: one key for 0 and -0, as SQL below.
  return Number.isFinite(n) ? String(n + 0) : text
}

/**
 * Counts of class texts merged by `key` (classKey or numberKey), each under its key: the class
 * counts a comparison of two windows reads, so that `1` in one and `1.0` in the other are one class.
 */
export function countsByKey(counts: Readonly<Record<string, number>>, key: (text: string) => string): Record<string, number> {
  const merged = new Map<string, number>()
  for (const [text, n] of Object.entries(counts)) merged.set(key(text), (merged.get(key(text)) ?? 0) + n)
  return Object.fromEntries(merged)
}

/** DECIMAL_TEXT in RE2 syntax, with no backslash to escape inside a SQL string literal. */
export const DECIMAL_TEXT_RE2 = '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$'

/**
 * classKey in ClickHouse SQL, of a String expression (not Nullable: wrap it in assumeNotNull).
 * ClickHouse writes a Float64 by its shortest round-trip text as String(Number(x)) does; where the
 * two spellings differ (1e21 vs 1e+21) each side still gives one key per number, and the keys are
 * only compared on one side.
 */
export const classKeySql = (x: string): string =>
  `multiIf(lower(${x}) = 'true', '1', lower(${x}) = 'false', '0', ` +
  `match(${x}, '${DECIMAL_TEXT_RE2}') AND isFinite(toFloat64OrZero(${x})), toString(toFloat64OrZero(${x}) + 0), ${x})`

/** numberKey in ClickHouse SQL, of a String expression (not Nullable), as classKeySql. */
export const numberKeySql = (x: string): string =>
  `if(match(${x}, '${DECIMAL_TEXT_RE2}') AND isFinite(toFloat64OrZero(${x})), toString(toFloat64OrZero(${x}) + 0), ${x})`

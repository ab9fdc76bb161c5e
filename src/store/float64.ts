/**
 * A Float64 as ClickHouse writes it in JSON with output_format_json_quote_denormals=1
 * (./query.ts, `quoteDenormals`): a JSON number, or for the values JSON has no number for the
 * strings "inf", "-inf" and "nan" (chDB and the server also write "-nan" and may write "+inf");
 * null for SQL NULL. float64() turns these into numbers: ±Infinity, NaN, or null for NULL.
 *
 * Stored metrics use ±∞ for a figure that overflowed or divided by zero (docs/evaluation.md: an
 * rmse is inf, never 0) and NaN for one that is undefined; readers keep the two apart.
 */

export function float64(x: unknown): number | null {
  if (x === null || x === undefined) return null
  if (typeof x === 'number') return x
  if (typeof x === 'string') {
    switch (x.toLowerCase()) {
      case 'inf':
      case '+inf':
      case 'infinity':
      case '+infinity':
        return Number.POSITIVE_INFINITY
      case '-inf':
      case '-infinity':
        return Number.NEGATIVE_INFINITY
      case 'nan':
      case '-nan':
      case '+nan':
        return Number.NaN
      default:
        return Number(x)
    }
  }
  return Number(x)
}

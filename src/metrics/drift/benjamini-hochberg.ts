/**
 * Benjamini–Hochberg adjusted p-values (false discovery rate), equal to
 * `scipy.stats.false_discovery_control(ps, method='bh')` (scipy 1.17) and R's
 * p.adjust(method = "BH"):
 *
 *   sort ascending p_(1) <= … <= p_(m);  q_(i) = min_{j >= i} min(1, p_(j) · m / j)
 *
 * returned in the input order. Rejecting q_i < α controls the FDR at α across the m tests
 * (Benjamini & Hochberg 1995, JRSS B 57(1)). p-values must be in [0, 1] (RangeError
 * otherwise); 0 or 1 p-values are returned unchanged, as scipy does.
 */

export function benjaminiHochberg(pValues: readonly number[]): number[] {
  for (const [i, p] of pValues.entries()) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`pValues[${i}] must be in [0, 1], got ${p}`)
  }
  const m = pValues.length
  if (m <= 1) return [...pValues]
  const order = pValues.map((_, i) => i).sort((a, b) => (pValues[a] as number) - (pValues[b] as number) || a - b)
  const adjusted = new Array<number>(m)
  let running = Number.POSITIVE_INFINITY
  for (let rank = m; rank >= 1; rank--) {
    const index = order[rank - 1] as number
    running = Math.min(running, (pValues[index] as number) * (m / rank))
    adjusted[index] = Math.min(running, 1)
  }
  return adjusted
}

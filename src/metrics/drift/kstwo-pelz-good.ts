/**
 * Pelz–Good approximation of Pr(D_n <= x) for the one-sample two-sided Kolmogorov statistic
 * (Pelz & Good 1976, "Approximating the lower tail-areas of the Kolmogorov-Smirnov one-sample
 * statistic", JRSS B 38(2)): the Li-Chien/Korolyuk expansion
 *   Pr(D_n <= x) ≈ K0(z) + K1(z)/√n + K2(z)/n + K3(z)/n^1.5,  z = x·√n,
 * with each K_i rewritten through Jacobi theta functions for small z. Ported from scipy 1.17
 * `scipy/stats/_ksstats.py` `_kolmogn_PelzGood` (BSD-3-Clause, © the SciPy developers).
 */

const SQRT2PI = Math.sqrt(2 * Math.PI)
const SQRT3 = Math.sqrt(3)
const PI2 = Math.PI ** 2
const PI4 = Math.PI ** 4
const PI6 = Math.PI ** 6
const MIN_LOG = -708

export function kolmogorovCdfPelzGood(n: number, x: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const z = Math.sqrt(n) * x
  const z2 = z ** 2
  const z3 = z ** 3
  const z4 = z ** 4
  const z6 = z ** 6
  const qlog = -PI2 / 8 / z2
  if (qlog < MIN_LOG) return 0
  let q = Math.exp(qlog)

  const k1a = -z2
  const k1b = PI2 / 4
  const k2a = 6 * z6 + 2 * z4
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4
  const k2c = (PI4 * (1 - 2 * z2)) / 16
  const k3d = (PI6 * (5 - 30 * z2)) / 64
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4
  const k3a = -30 * z6 - 90 * z ** 8

  const k = [0, 0, 0, 0]
  const maxk = Math.ceil((16 * z) / Math.PI)
  for (let kk = maxk; kk > 0; kk--) {
    const m = 2 * kk - 1
    const m2 = m ** 2
    const m4 = m ** 4
    const m6 = m ** 6
    const qpower = q ** (8 * kk)
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6]
    for (let i = 0; i < 4; i++) k[i] = (k[i] as number) * qpower + (coeffs[i] as number)
  }
  const denominators = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10]
  for (let i = 0; i < 4; i++) k[i] = ((k[i] as number) * q * SQRT2PI) / (denominators[i] as number)

  // Extra terms of K2 and K3.
  q = Math.exp(-PI2 / 2 / z2)
  const sqrt3z = SQRT3 * z
  let k2extra = 0
  let k3extra = 0
  for (let kk = maxk; kk > 0; kk--) {
    const ks2 = kk ** 2
    const qpwr = q ** ks2
    const kspi = Math.PI * kk
    k2extra += ks2 * qpwr
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qpwr
  }
  k[2] = (k[2] as number) + (k2extra * PI2 * SQRT2PI) / (-36 * z3)
  k[3] = (k[3] as number) + (k3extra * PI2 * SQRT2PI) / (216 * z6)

  let sum = 0
  for (let i = 0; i < 4; i++) sum += (k[i] as number) / n ** (i / 2)
  return sum
}

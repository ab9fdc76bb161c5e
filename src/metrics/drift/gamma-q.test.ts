import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/chi2_sf.json' with { type: 'json' }
import { chiSquare, chiSquareSf } from './chi-square.js'
import { gammaQ, log1pmx, stirlerr } from './gamma-q.js'

const relativeError = (actual: number, expected: number) => Math.abs(actual - expected) / expected

describe('chiSquareSf matches scipy.stats.chi2.sf to 1e-9 relative for dof up to 1e6', () => {
  // Grouped by dof so a failure names the dof; every x of the group is checked.
  const byDof = new Map<number, { x: number; sf: number; mpmath: number }[]>()
  for (const c of fixture.sf) byDof.set(c.dof, [...(byDof.get(c.dof) ?? []), c])
  it.each([...byDof.entries()])('dof %d', (dof, cases) => {
    for (const c of cases) {
      const p = chiSquareSf(c.x, dof)
      expect(relativeError(p, c.sf), `x = ${c.x}: ${p} vs scipy ${c.sf}`).toBeLessThan(1e-9)
    }
  })

  it('covers the whole domain: dof 1 to 1e6, sf from ~1 down to 1e-300', () => {
    const dofs = fixture.sf.map((c) => c.dof)
    const sfs = fixture.sf.map((c) => c.sf)
    expect(Math.min(...dofs)).toBe(1)
    expect(Math.max(...dofs)).toBe(1e6)
    expect(Math.min(...sfs)).toBeLessThan(1e-299)
    expect(Math.max(...sfs)).toBeGreaterThan(1 - 1e-9)
  })

  it('scipy itself agrees with mpmath (40 digits) on these points, so the reference is sound', () => {
    for (const c of fixture.sf) expect(relativeError(c.sf, c.mpmath)).toBeLessThan(1e-9)
  })
})

describe('chiSquare on id-like columns (thousands of categories) matches scipy.stats.chi2_contingency', () => {
  const asCounts = (xs: readonly number[]) => Object.fromEntries(xs.map((v, i) => [`id${i}`, v]))
  it.each(fixture.contingency.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = chiSquare(asCounts(c.input.reference), asCounts(c.input.current))
    expect(r.params['dof']).toBe(c.expected.dof)
    expect(relativeError(r.score, c.expected.chi2)).toBeLessThan(1e-9)
    expect(relativeError(r.pValue as number, c.expected.pValue)).toBeLessThan(1e-9)
  })
})

describe('gammaQ edge cases', () => {
  it('is 1 at x = 0 and 0 at x = Infinity, NaN outside the domain', () => {
    expect(gammaQ(3, 0)).toBe(1)
    expect(gammaQ(3, Infinity)).toBe(0)
    expect(gammaQ(0, 1)).toBeNaN()
    expect(gammaQ(1, -1)).toBeNaN()
    expect(gammaQ(Number.NaN, 1)).toBeNaN()
    expect(gammaQ(1, Number.NaN)).toBeNaN()
  })

  it('is e^-x for a = 1 and erfc(sqrt(x)) for a = 1/2', () => {
    for (const x of [1e-8, 0.3, 1, 7.5, 50, 600]) expect(relativeError(gammaQ(1, x), Math.exp(-x))).toBeLessThan(1e-13)
    // erfc(sqrt(2)) = 0.04550026389635842 (chi-square with 1 dof at 4).
    expect(relativeError(gammaQ(0.5, 2), 0.04550026389635842)).toBeLessThan(1e-13)
  })

  it('log1pmx and stirlerr agree with their closed forms where those are accurate', () => {
    for (const d of [-0.4, -1e-3, 1e-9, 0.2, 0.49]) expect(relativeError(log1pmx(d), Math.log1p(d) - d)).toBeLessThan(d === 1e-9 ? 1e-6 : 1e-12)
    // stirlerr(10) = lnΓ(10) − 9.5·ln 10 + 10 − ½ln 2π, lnΓ(10) = ln 362880.
    const direct = Math.log(362880) - 9.5 * Math.log(10) + 10 - 0.5 * Math.log(2 * Math.PI)
    expect(Math.abs(stirlerr(10) - direct)).toBeLessThan(1e-14)
  })
})

import { describe, expect, it } from 'vitest'
import { bisectFailures } from './bisect.js'

/** An operation that fails on any range holding one of `bad`, and records the ranges it was given. */
function operation(bad: ReadonlySet<number>) {
  const tried: [number, number][] = []
  const tryRange = async (start: number, end: number) => {
    tried.push([start, end])
    for (let i = start; i < end; i++) if (bad.has(i)) return `bad ${i}`
    return null
  }
  return { tried, tryRange }
}

describe('bisectFailures', () => {
  it('finds exactly the failing items, in order, in about 2·log2(n) tries each', async () => {
    for (const [n, bad] of [
      [1, [0]],
      [2, [1]],
      [7, [0, 6]],
      [1000, [0]],
      [1000, [999]],
      [1000, [3, 500, 501, 998]],
      [10_000, [4321]],
    ] as const) {
      const op = operation(new Set(bad))
      const { failed, tries } = await bisectFailures(n, 'whole', op.tryRange, 64)
      expect(failed.map((f) => [f.start, f.end])).toEqual(bad.map((i) => [i, i + 1]))
      expect(tries).toBe(op.tried.length)
      expect(tries).toBeLessThanOrEqual(bad.length * 2 * Math.ceil(Math.log2(n) + 1))
      // Every item not reported failed was in a range that succeeded.
      const passed = new Set<number>()
      for (const [s, e] of op.tried) if (!bad.some((i) => s <= i && i < e)) for (let i = s; i < e; i++) passed.add(i)
      for (let i = 0; i < n; i++) expect(passed.has(i) || (bad as readonly number[]).includes(i)).toBe(true)
    }
  })

  it('gives each failed item the failure of its own last try', async () => {
    const { failed } = await bisectFailures(8, 'whole', async (s, e) => (s <= 5 && 5 < e ? `range ${s}-${e}` : null), 64)
    expect(failed).toEqual([{ start: 5, end: 6, why: 'range 5-6' }])
  })

  it('returns failed ranges whole once the budget is spent, never trying more than budget + 2 per level', async () => {
    const bad = new Set(Array.from({ length: 100 }, (_, i) => i * 10))
    const op = operation(bad)
    const { failed, tries } = await bisectFailures(1000, 'whole', op.tryRange, 16)
    expect(tries).toBeLessThanOrEqual(16 + 2 * Math.ceil(Math.log2(1000)))
    // Every bad item is in a failed range, and the ranges do not overlap.
    for (const i of bad) expect(failed.some((f) => f.start <= i && i < f.end)).toBe(true)
    for (let k = 1; k < failed.length; k++) expect(failed[k]!.start).toBeGreaterThanOrEqual(failed[k - 1]!.end)
    expect(failed.some((f) => f.end - f.start > 1)).toBe(true)
  })

  it('cuts around the item a failure names, and recovers from a wrong name', async () => {
    const op = operation(new Set([41]))
    const { failed, tries } = await bisectFailures(100, 42, async (s, e) => ((await op.tryRange(s, e)) === null ? null : 42 - s), 64, (why) => why)
    expect(failed.map((f) => [f.start, f.end])).toEqual([[41, 42]])
    expect(tries).toBe(3) // the items before it, it alone, the items after it
    const wrong = await bisectFailures(100, 7, async (s, e) => ((await operation(new Set([90])).tryRange(s, e)) === null ? null : 7), 64, (why) => why)
    expect(wrong.failed.map((f) => [f.start, f.end])).toEqual([[90, 91]])
  })

  it('ends the search on a failure the operation throws', async () => {
    let calls = 0
    const flaky = async () => {
      if (++calls === 3) throw new Error('connection reset')
      return 'still failing'
    }
    await expect(bisectFailures(8, 'whole', flaky, 64)).rejects.toThrow('connection reset')
    expect(calls).toBe(3)
  })

  it('tries nothing for a batch of one: its failure is the verdict', async () => {
    const op = operation(new Set([0]))
    expect(await bisectFailures(1, 'whole', op.tryRange, 64)).toEqual({ failed: [{ start: 0, end: 1, why: 'whole' }], tries: 0 })
    expect(op.tried).toEqual([])
  })
})

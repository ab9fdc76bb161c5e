/** Seeded randomness for the demo: mulberry32 (public domain) and Box–Muller normals. Pure. */
export interface Rng {
  next(): number
  normal(mean?: number, sd?: number): number
  pick<T>(items: readonly T[], weights?: readonly number[]): T
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    normal(mean = 0, sd = 1) {
      const u = 1 - next()
      const v = next()
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    },
    pick(items, weights) {
      const w = weights ?? items.map(() => 1)
      let r = next() * w.reduce((s, x) => s + x, 0)
      for (let i = 0; i < items.length; i++) {
        r -= w[i]!
        if (r < 0) return items[i]!
      }
      return items[items.length - 1]!
    },
  }
}

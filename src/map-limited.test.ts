import { describe, expect, it } from 'vitest'
import { mapLimited } from './map-limited.js'

describe('mapLimited', () => {
  it('keeps the order of the items and never runs more than `limit` at once', async () => {
    let running = 0
    let most = 0
    const out = await mapLimited(Array.from({ length: 50 }, (_, i) => i), 4, async (x) => {
      running++
      most = Math.max(most, running)
      await new Promise((r) => setTimeout(r, (x * 7) % 5))
      running--
      return x * 2
    })
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * 2))
    expect(most).toBe(4)
  })

  it('rejects with the first failure once the started calls settled, and takes an empty list', async () => {
    const started: number[] = []
    await expect(mapLimited([1, 2, 3, 4, 5], 2, async (x) => {
      started.push(x)
      if (x === 2) throw new Error('boom')
      await new Promise((r) => setTimeout(r, 5))
      return x
    })).rejects.toThrow('boom')
    expect(started.length).toBeLessThanOrEqual(5)
    expect(await mapLimited([], 3, async () => 1)).toEqual([])
  })
})

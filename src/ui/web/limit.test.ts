import { describe, expect, it } from 'vitest'
import { mapLimit } from './limit.js'

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1))

describe('mapLimit: per-window requests a few at a time', () => {
  it('keeps at most `limit` calls in flight, starts the next as soon as one ends, and keeps the order', async () => {
    let inFlight = 0
    let most = 0
    const delays = [5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    const progress: number[] = []
    const out = await mapLimit(delays, 4, async (ms, i) => {
      inFlight++
      most = Math.max(most, inFlight)
      await new Promise((resolve) => setTimeout(resolve, ms))
      inFlight--
      return i * 10
    }, (_r, _i, done) => progress.push(done))
    expect(most).toBe(4)
    expect(out).toEqual(delays.map((_, i) => i * 10))
    expect(progress).toEqual(delays.map((_, i) => i + 1))
  })

  it('a slow call does not hold back the others (no batch waits for its slowest)', async () => {
    const order: number[] = []
    await mapLimit([20, 1, 1, 1, 1, 1, 1], 4, async (ms, i) => {
      await new Promise((resolve) => setTimeout(resolve, ms))
      order.push(i)
    })
    // Items 4..6 start as 1..3 finish, before item 0 (20 ms) does.
    expect(order.indexOf(6)).toBeLessThan(order.indexOf(0))
  })

  it('nothing to do, and a failure rejects without starting new calls', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([])
    let started = 0
    await expect(mapLimit([1, 2, 3, 4, 5, 6], 2, async (x) => {
      started++
      await tick()
      if (x === 1) throw new Error('boom')
      return x
    })).rejects.toThrow('boom')
    expect(started).toBeLessThanOrEqual(3)
  })
})

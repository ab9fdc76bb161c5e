import { afterEach, describe, expect, it, vi } from 'vitest'
import { PassLoop } from './pass-loop.js'

afterEach(() => {
  vi.useRealTimers()
})

/** A pass that takes `ms` of (fake) time, counting starts and how many ran at once. */
function passes(ms: number) {
  const seen = { started: 0, inFlight: 0, maxInFlight: 0 }
  const pass = async () => {
    seen.started++
    seen.inFlight++
    seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight)
    await new Promise((r) => setTimeout(r, ms))
    seen.inFlight--
    return seen.started
  }
  return { seen, pass }
}

describe('PassLoop', () => {
  it('runs the first pass on the next tick, then the interval after each pass ends', async () => {
    vi.useFakeTimers()
    const { seen, pass } = passes(100)
    const loop = new PassLoop(pass, () => undefined)
    loop.start(1_000)
    await vi.advanceTimersByTimeAsync(0)
    expect(seen.started).toBe(1)
    // The pass ends at 100 ms; the next starts 1,000 ms after that.
    await vi.advanceTimersByTimeAsync(1_099)
    expect(seen.started).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(seen.started).toBe(2)
    const stopping = loop.stop()
    await vi.advanceTimersByTimeAsync(100)
    await stopping
  })

  it('never runs two passes at once: runNow queues behind the pass in progress', async () => {
    vi.useFakeTimers()
    const { seen, pass } = passes(100)
    const loop = new PassLoop(pass, () => undefined)
    const results = [loop.runNow(), loop.runNow(), loop.runNow()]
    await vi.advanceTimersByTimeAsync(300)
    expect(await Promise.all(results)).toEqual([1, 2, 3])
    expect(seen.maxInFlight).toBe(1)
  })

  // Elections can restart a loop faster than its passes end: each start() must replace the loop, not add one.
  it('keeps one loop when start() and stop() come again during a pass', async () => {
    vi.useFakeTimers()
    const { seen, pass } = passes(500)
    const loop = new PassLoop(pass, () => undefined)
    for (let i = 0; i < 5; i++) {
      loop.start(1_000)
      await vi.advanceTimersByTimeAsync(100)
      void loop.stop()
      await vi.advanceTimersByTimeAsync(100)
    }
    loop.start(1_000)
    // The passes the earlier loops queued run first; then one pass per 1,500 ms (500 running +
    // 1,000 waiting), and never two at once. Six loops would run six times as many.
    await vi.advanceTimersByTimeAsync(10_000)
    const before = seen.started
    await vi.advanceTimersByTimeAsync(15_000)
    expect(seen.maxInFlight).toBe(1)
    expect(seen.started - before).toBeGreaterThanOrEqual(9)
    expect(seen.started - before).toBeLessThanOrEqual(11)
    const stopping = loop.stop()
    await vi.advanceTimersByTimeAsync(500)
    await stopping
    const stopped = seen.started
    await vi.advanceTimersByTimeAsync(10_000)
    expect(seen.started).toBe(stopped)
  })

  it('reports a failed pass and goes on at the next interval', async () => {
    vi.useFakeTimers()
    const failures: unknown[] = []
    let n = 0
    const loop = new PassLoop(async () => {
      if (++n === 1) throw new Error('boom')
      return n
    }, (err) => failures.push(err))
    loop.start(1_000)
    await vi.advanceTimersByTimeAsync(0)
    expect(failures).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(n).toBe(2)
    expect(failures).toHaveLength(1)
    await loop.stop()
  })

  it('stop() resolves once the pass in progress has ended; cancel() does not wait', async () => {
    vi.useFakeTimers()
    const { seen, pass } = passes(200)
    const loop = new PassLoop(pass, () => undefined)
    loop.start(1_000)
    await vi.advanceTimersByTimeAsync(0)
    let stopped = false
    const stopping = loop.stop().then(() => (stopped = true))
    await vi.advanceTimersByTimeAsync(100)
    expect(stopped).toBe(false)
    await vi.advanceTimersByTimeAsync(100)
    await stopping
    expect(seen.inFlight).toBe(0)
    loop.start(1_000)
    await vi.advanceTimersByTimeAsync(0)
    loop.cancel()
    expect(seen.inFlight).toBe(1)
    await vi.advanceTimersByTimeAsync(5_000)
    expect(seen.started).toBe(2)
  })
})

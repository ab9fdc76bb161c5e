import { describe, expect, it } from 'vitest'
import { isDriftwatchError } from '../errors.js'
import { SendBuffer } from './send-buffer.js'

/** A destination that refuses the first `failures` sends, then records every batch it accepts. */
function flakyDestination(failures: number) {
  const accepted: number[][] = []
  let calls = 0
  return {
    accepted,
    calls: () => calls,
    send: async (batch: readonly number[]) => {
      calls++
      if (calls <= failures) throw new Error(`broker down (call ${calls})`)
      accepted.push([...batch])
    },
  }
}

const options = { backoff: { baseMs: 1, capMs: 4 }, random: () => 0.5 }

describe('SendBuffer', () => {
  it('keeps events after a failed send and delivers every one, in order, once', async () => {
    const dest = flakyDestination(3)
    const errors: unknown[] = []
    const buffer = new SendBuffer<number>({ ...options, send: dest.send, batchSize: 4, maxBuffered: 100, onError: (e) => errors.push(e) })
    for (let i = 0; i < 10; i++) buffer.push(i)
    await buffer.drain(5_000)
    // Events pushed after the failures are sent too (the old client lost them).
    for (let i = 10; i < 13; i++) buffer.push(i)
    await buffer.drain(5_000)
    expect(dest.accepted.flat()).toEqual(Array.from({ length: 13 }, (_, i) => i))
    expect(errors).toHaveLength(3)
    expect(buffer.stats()).toEqual({ buffered: 0, sent: 13, failedSends: 3, rejected: 0 })
  })

  it('refuses an event at the call when full (DW_BUFFER_FULL), and counts it', () => {
    const buffer = new SendBuffer<number>({ ...options, send: () => new Promise(() => undefined), batchSize: 100, maxBuffered: 3, onError: () => undefined })
    for (let i = 0; i < 3; i++) buffer.push(i)
    let thrown: unknown
    try {
      buffer.push(3)
    } catch (e) {
      thrown = e
    }
    expect(isDriftwatchError(thrown) && thrown.code).toBe('DW_BUFFER_FULL')
    expect(buffer.stats()).toMatchObject({ buffered: 3, rejected: 1 })
  })

  it('drain rejects after its timeout with the events still buffered, and a later drain delivers them', async () => {
    let up = false
    const accepted: number[] = []
    const send = async (batch: readonly number[]) => {
      if (!up) throw new Error('broker down')
      accepted.push(...batch)
    }
    const buffer = new SendBuffer<number>({ ...options, send, batchSize: 10, maxBuffered: 10, onError: () => undefined })
    buffer.push(1)
    buffer.push(2)
    await expect(buffer.drain(50)).rejects.toMatchObject({ code: 'DW_KAFKA_UNAVAILABLE', message: /2 event\(s\) not acknowledged.*broker down/ })
    expect(buffer.stats().buffered).toBe(2)
    up = true
    await buffer.drain(5_000)
    expect(accepted).toEqual([1, 2])
    buffer.stop()
  })
})

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
    expect(buffer.stats()).toEqual({ buffered: 0, sent: 13, dropped: 0, failedSends: 3, rejected: 0 })
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

  it('items the send gave up on leave the buffer as dropped, not sent; drain resolves and later items go', async () => {
    const accepted: number[] = []
    // Refuses odd items for good (and says how many), acknowledges the rest.
    const send = async (batch: readonly number[]) => {
      accepted.push(...batch.filter((i) => i % 2 === 0))
      return batch.filter((i) => i % 2 === 1).length
    }
    const buffer = new SendBuffer<number>({ ...options, send, batchSize: 4, maxBuffered: 100, onError: () => undefined })
    for (let i = 0; i < 10; i++) buffer.push(i)
    await buffer.drain(5_000)
    expect(buffer.stats()).toEqual({ buffered: 0, sent: 5, dropped: 5, failedSends: 0, rejected: 0 })
    buffer.push(10)
    await buffer.drain(5_000)
    expect(accepted).toEqual([0, 2, 4, 6, 8, 10])
    buffer.stop()
  })
})

describe('SendBuffer and the caller\'s code', () => {
  it('an onError that throws while sends fail neither stops the retries nor rejects unhandled: every event is delivered', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const dest = flakyDestination(3)
      let reported = 0
      const onError = () => {
        reported++
        throw new Error('the caller\'s metrics client is broken')
      }
      const buffer = new SendBuffer<number>({ ...options, send: dest.send, batchSize: 4, maxBuffered: 100, onError })
      for (let i = 0; i < 10; i++) buffer.push(i)
      await buffer.drain(5_000)
      // An unhandled rejection is reported once the microtasks of its turn have run: let them.
      await new Promise((resolve) => setImmediate(resolve))
      expect(dest.accepted.flat()).toEqual(Array.from({ length: 10 }, (_, i) => i))
      expect(reported).toBe(3)
      expect(unhandled).toEqual([])
      expect(buffer.stats()).toEqual({ buffered: 0, sent: 10, dropped: 0, failedSends: 3, rejected: 0 })
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})

describe('SendBuffer.stop', () => {
  /** A send that waits until the test answers it. */
  function heldSend() {
    const answers: Array<(ok: boolean) => void> = []
    const accepted: number[] = []
    return {
      accepted,
      answer: (ok: boolean) => answers.shift()!(ok),
      pending: () => answers.length,
      send: (batch: readonly number[]) =>
        new Promise<void>((resolve, reject) => {
          answers.push((ok) => {
            if (!ok) return reject(new Error('broker down'))
            accepted.push(...batch)
            resolve()
          })
        }),
    }
  }

  it('waits for the send in flight: what it stored is not counted as undelivered', async () => {
    const dest = heldSend()
    const buffer = new SendBuffer<number>({ ...options, send: dest.send, batchSize: 5, maxBuffered: 100, onError: () => undefined })
    for (let i = 0; i < 10; i++) buffer.push(i) // the first 5 go at once
    expect(dest.pending()).toBe(1)
    await expect(buffer.drain(10)).rejects.toMatchObject({ code: 'DW_KAFKA_UNAVAILABLE' })
    const stopped = buffer.stop(60_000)
    dest.answer(true) // the send in flight lands after drain gave up
    expect(await stopped).toEqual({ inFlight: [], unsent: [5, 6, 7, 8, 9] })
    expect(dest.accepted).toEqual([0, 1, 2, 3, 4])
    // Stopped: the rest is not sent.
    expect(dest.pending()).toBe(0)
  })

  it('tells the items of a send still unanswered (in flight) from those never sent or failed', async () => {
    const dest = heldSend()
    const buffer = new SendBuffer<number>({ ...options, send: dest.send, batchSize: 5, maxBuffered: 100, onError: () => undefined })
    for (let i = 0; i < 7; i++) buffer.push(i)
    expect(await buffer.stop(1)).toEqual({ inFlight: [0, 1, 2, 3, 4], unsent: [5, 6] })
    dest.answer(false)
    expect(await buffer.stop(60_000)).toEqual({ inFlight: [], unsent: [0, 1, 2, 3, 4, 5, 6] })
    expect(dest.pending()).toBe(0)
  })
})

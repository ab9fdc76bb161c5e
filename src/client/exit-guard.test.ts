import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { isDriftwatchError } from '../errors.js'
import { guardExit, type ExitingProcess } from './exit-guard.js'

/** A process that records its warnings, ended by emitting 'beforeExit' and 'exit' by hand. */
function fakeProcess() {
  const emitter = new EventEmitter()
  const warnings: Error[] = []
  emitter.on('warning', (w: Error) => warnings.push(w))
  return { proc: emitter as unknown as ExitingProcess, emitter, warnings }
}
const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('guardExit', () => {
  it('closes what is buffered when the process would end, and reports nothing once it is delivered', async () => {
    const { proc, emitter, warnings } = fakeProcess()
    let buffered = 50
    let closes = 0
    const lost: unknown[] = []
    guardExit({ proc, buffered: () => buffered, close: async () => void (closes++, (buffered = 0)), onLost: (e) => lost.push(e) })
    emitter.emit('beforeExit')
    await settle()
    emitter.emit('beforeExit') // closed: nothing more to do
    emitter.emit('exit')
    expect(closes).toBe(1)
    expect(warnings).toEqual([])
    expect(lost).toEqual([])
  })

  it('when close gives up, warns once with the count, calls onLost, and lets the process end', async () => {
    const { proc, emitter, warnings } = fakeProcess()
    let closes = 0
    const lost: unknown[] = []
    const cause = new Error('closed with events Kafka never acknowledged: 50 not delivered; last error: Connection refused')
    guardExit({
      proc,
      buffered: () => 50,
      close: () => {
        closes++
        return Promise.reject(cause)
      },
      onLost: (e) => {
        lost.push(e)
        throw new Error('the caller\'s onError is broken') // swallowed
      },
    })
    emitter.emit('beforeExit')
    await settle()
    emitter.emit('beforeExit')
    await settle()
    emitter.emit('exit')
    expect(closes).toBe(1)
    expect(warnings).toHaveLength(1)
    const [w] = warnings
    expect(isDriftwatchError(w) && w.code).toBe('DW_KAFKA_UNAVAILABLE')
    expect(w!.message).toMatch(/ending with 50 event\(s\) the prediction logger never delivered .*Connection refused.*await logger\.close\(\)/)
    expect(lost).toEqual([w])
  })

  it('reports events still buffered on process.exit(), synchronously, and nothing after its removal', () => {
    const { proc, emitter, warnings } = fakeProcess()
    const lost: unknown[] = []
    const remove = guardExit({ proc, buffered: () => 7, close: () => new Promise(() => undefined), onLost: (e) => lost.push(e) })
    emitter.emit('exit')
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/ending with 7 event\(s\) .*exited while they were buffered/)])
    expect(lost).toHaveLength(1)
    remove()
    emitter.emit('exit')
    expect(warnings).toHaveLength(1)
    // The process keeps its one pair of listeners, shared by every logger's guard.
    expect([emitter.listenerCount('beforeExit'), emitter.listenerCount('exit')]).toEqual([1, 1])
  })

  it('adds one pair of listeners to the process however many loggers it has', () => {
    const { proc, emitter, warnings } = fakeProcess()
    const removes = Array.from({ length: 20 }, () => guardExit({ proc, buffered: () => 1, close: () => new Promise(() => undefined), onLost: () => {} }))
    expect([emitter.listenerCount('beforeExit'), emitter.listenerCount('exit')]).toEqual([1, 1])
    removes.slice(0, 15).forEach((remove) => remove())
    emitter.emit('exit')
    expect(warnings).toHaveLength(5)
  })
})

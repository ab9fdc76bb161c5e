import { describe, expect, it } from 'vitest'
import { idHashes } from './id-filter.js'
import { InFlightIds } from './in-flight-ids.js'

const hash1 = (id: string) => {
  const pair: [number, number] = [0, 0]
  idHashes(id, pair)
  return pair[0]
}
const e = (prediction_id: string, model_id: string, idHash1 = hash1(prediction_id)) => ({ prediction_id, model_id, idHash1 })
const all = () => true
const nothingStored = () => [] as const

/** Whether a promise has settled, after the microtasks queued before the check ran. */
async function isSettled(p: Promise<void>): Promise<boolean> {
  let settled = false
  void p.then(() => (settled = true))
  await Promise.resolve()
  await Promise.resolve()
  return settled
}

describe('InFlightIds', () => {
  it('looks at no id while no other batch is held', () => {
    const held = new InFlightIds()
    const view = held.open()
    let asked = 0
    expect(held.blocking(view, [e('a', 'm2')], () => (asked++, []))).toBeNull()
    expect(asked).toBe(0)
    held.close(view)
  })

  it('makes a batch with an id held for another model wait until the holder settles', async () => {
    const held = new InFlightIds()
    const a = held.hold([e('x', 'm1'), e('y', 'm1')], all)
    const view = held.open()
    const wait = held.blocking(view, [e('z', 'm2'), e('x', 'm2')], nothingStored)
    held.close(view)
    expect(wait).toBe(a.settled)
    expect(await isSettled(wait!)).toBe(false)
    held.settle(a)
    expect(await isSettled(wait!)).toBe(true)
    // Screened again after the holder settled: the holder is gone (its ids are in the filter now, or free).
    const again = held.open()
    expect(held.blocking(again, [e('z', 'm2'), e('x', 'm2')], nothingStored)).toBeNull()
    held.close(again)
    expect(held.size).toBe(0)
  })

  it('lets the same model pass at once, and leaves a stored id to the rule', () => {
    const held = new InFlightIds()
    held.hold([e('x', 'm1')], all)
    const view = held.open()
    expect(held.blocking(view, [e('x', 'm1')], nothingStored)).toBeNull()
    // Stored for some model already: the rule answers from the store, waiting would change nothing.
    expect(held.blocking(view, [e('x', 'm2')], (id) => (id === 'x' ? ['m1'] : []))).toBeNull()
    held.close(view)
  })

  it('holds only the events that passed the rule, the first use of an id in the batch', async () => {
    const held = new InFlightIds()
    // x: m1 passed, m2 was the conflict; y did not pass.
    const passed = [true, false, false]
    const a = held.hold([e('x', 'm1'), e('x', 'm2'), e('y', 'm3')], (i) => passed[i]!)
    const view = held.open()
    expect(held.blocking(view, [e('x', 'm1')], nothingStored)).toBeNull()
    expect(held.blocking(view, [e('x', 'm2')], nothingStored)).toBe(a.settled)
    expect(held.blocking(view, [e('y', 'm4')], nothingStored)).toBeNull()
    held.close(view)
  })

  it('keeps a holder that settled during a screen visible to it, and to no screen opened after', () => {
    const held = new InFlightIds()
    const a = held.hold([e('x', 'm1')], all)
    // A screen tested the filter before the holder's ids reached it...
    const early = held.open()
    held.settle(a)
    // ...and must still see them; one that tests the filter after the settling finds them there.
    const late = held.open()
    expect(held.blocking(early, [e('x', 'm2')], nothingStored)).toBe(a.settled)
    expect(held.blocking(late, [e('x', 'm2')], nothingStored)).toBeNull()
    expect(held.size).toBe(1)
    held.close(late)
    expect(held.size).toBe(1)
    held.close(early)
    expect(held.size).toBe(0)
  })

  it('tells ids apart that share a hash', () => {
    const held = new InFlightIds()
    const ids = Array.from({ length: 40 }, (_, i) => `same-hash-${i}`)
    const a = held.hold(ids.map((id, i) => e(id, `m${i}`, 7)), all)
    const view = held.open()
    ids.forEach((id, i) => {
      expect(held.blocking(view, [e(id, `m${i}`, 7)], nothingStored), id).toBeNull()
      expect(held.blocking(view, [e(id, 'elsewhere', 7)], nothingStored), id).toBe(a.settled)
    })
    expect(held.blocking(view, [e('same-hash-40', 'elsewhere', 7)], nothingStored)).toBeNull()
    held.close(view)
  })

  it('settles a holder once', async () => {
    const held = new InFlightIds()
    const a = held.hold([e('x', 'm1')], all)
    const b = held.hold([e('y', 'm1')], all)
    held.settle(a)
    held.settle(a)
    expect(held.size).toBe(1)
    const view = held.open()
    expect(held.blocking(view, [e('y', 'm2')], nothingStored)).toBe(b.settled)
    expect(held.blocking(view, [e('x', 'm2')], nothingStored)).toBeNull()
    held.close(view)
  })
})

import { describe, expect, it } from 'vitest'
import { coalescing } from './coalesce.js'

/** A lookup whose calls are recorded and settled by the test. */
function controlled() {
  const calls: { keys: string[]; resolve: () => void; reject: (e: Error) => void }[] = []
  const run = (keys: string[]) =>
    new Promise<ReadonlyMap<string, number>>((resolve, reject) => {
      calls.push({ keys, resolve: () => resolve(new Map(keys.map((k) => [k, k.length]))), reject })
    })
  return { calls, lookup: coalescing(run) }
}

const tick = () => new Promise((r) => setImmediate(r))

describe('coalescing lookups', () => {
  it('starts a lookup at once when none is running', async () => {
    const { calls, lookup } = controlled()
    const a = lookup(['a'])
    expect(calls.map((c) => c.keys)).toEqual([['a']])
    calls[0]!.resolve()
    expect((await a).get('a')).toBe(1)
  })

  it('merges the lookups that arrive while one runs into one query, started when it ends', async () => {
    const { calls, lookup } = controlled()
    const a = lookup(['a'])
    const b = lookup(['bb', 'ccc'])
    const c = lookup(['dddd'])
    expect(calls).toHaveLength(1)
    calls[0]!.resolve()
    await a
    await tick()
    expect(calls.map((x) => x.keys)).toEqual([['a'], ['bb', 'ccc', 'dddd']])
    calls[1]!.resolve()
    const [rb, rc] = await Promise.all([b, c])
    expect([rb.get('bb'), rb.get('ccc'), rc.get('dddd')]).toEqual([2, 3, 4])
    // Idle again: the next lookup starts at once.
    void lookup(['e'])
    expect(calls).toHaveLength(3)
  })

  it('rejects every caller of a failed query and carries on with the next', async () => {
    const { calls, lookup } = controlled()
    const a = lookup(['a'])
    const b = lookup(['b'])
    const c = lookup(['c'])
    calls[0]!.reject(new Error('down'))
    await expect(a).rejects.toThrow('down')
    await tick()
    expect(calls[1]!.keys).toEqual(['b', 'c'])
    calls[1]!.reject(new Error('still down'))
    await expect(b).rejects.toThrow('still down')
    await expect(c).rejects.toThrow('still down')
    const d = lookup(['d'])
    calls[2]!.resolve()
    expect((await d).get('d')).toBe(1)
  })

  it('starts the waiting group even when the running query fails', async () => {
    const { calls, lookup } = controlled()
    const a = lookup(['a'])
    const b = lookup(['b'])
    calls[0]!.reject(new Error('down'))
    await expect(a).rejects.toThrow()
    await tick()
    calls[1]!.resolve()
    expect((await b).get('b')).toBe(1)
  })
})

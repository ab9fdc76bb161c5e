import { describe, expect, it } from 'vitest'
import { ConnectionPool } from './connection-pool.js'

/** A call that stays running until release() is called. */
function held() {
  let release!: () => void
  const done = new Promise<void>((r) => (release = r))
  return { done, release }
}

describe('ConnectionPool', () => {
  it('refuses an empty pool', () => {
    expect(() => new ConnectionPool([])).toThrow(/at least one/)
  })

  it('gives calls made one after another the first member', async () => {
    const pool = new ConnectionPool(['a', 'b', 'c'])
    const used: string[] = []
    for (let i = 0; i < 3; i++) await pool.run(async (m) => used.push(m))
    expect(used).toEqual(['a', 'a', 'a'])
  })

  it('spreads calls running at the same time over the members, then shares the least busy', async () => {
    const pool = new ConnectionPool(['a', 'b'])
    const calls = [held(), held(), held()]
    const used: string[] = []
    const runs = calls.map((c) =>
      pool.run(async (m) => {
        used.push(m)
        await c.done
        return m
      }),
    )
    expect(used).toEqual(['a', 'b', 'a'])
    calls[1]!.release()
    await runs[1]
    // b is free again while a still runs two calls
    await pool.run(async (m) => used.push(m))
    expect(used.at(-1)).toBe('b')
    for (const c of calls) c.release()
    expect(await Promise.all(runs)).toEqual(['a', 'b', 'a'])
  })

  it('frees a member whose call failed', async () => {
    const pool = new ConnectionPool(['a', 'b'])
    await expect(pool.run(async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused')
    const slow = held()
    const first = pool.run(async (m) => {
      await slow.done
      return m
    })
    // a's failed call no longer counts: the next call goes to b only because a is running `first`
    expect(await pool.run(async (m) => m)).toBe('b')
    slow.release()
    expect(await first).toBe('a')
  })
})

describe('ConnectionPool.idle', () => {
  it('settles once every call has, those started while waiting included', async () => {
    const pool = new ConnectionPool(['a'])
    const first = held()
    const second = held()
    const order: string[] = []
    void pool.run(() => first.done.then(() => void order.push('first')))
    const idle = pool.idle().then(() => order.push('idle'))
    void pool.run(() => second.done.then(() => void order.push('second')))
    first.release()
    await Promise.resolve()
    second.release()
    await idle
    expect(order).toEqual(['first', 'second', 'idle'])
  })

  it('settles at once with no call running, and after a failed call', async () => {
    const pool = new ConnectionPool(['a'])
    await pool.idle()
    const failing = pool.run(async () => Promise.reject(new Error('refused')))
    await expect(failing).rejects.toThrow('refused')
    await pool.idle()
  })
})

describe('ConnectionPool.runExclusive', () => {
  it('starts once the calls already on its member have settled, and gives that member no other call until it ends', async () => {
    const pool = new ConnectionPool(['a', 'b'])
    const early = held()
    const order: string[] = []
    const before = pool.run((m) => early.done.then(() => void order.push(`early on ${m}`)))
    const stream = held()
    const exclusive = pool.runExclusive(async (m) => {
      order.push(`stream starts on ${m}`)
      await stream.done
      order.push('stream ends')
      return m
    })
    // a is running `early` and b nothing: the stream takes b at once.
    await Promise.resolve()
    expect(order).toEqual(['stream starts on b'])
    // Calls meanwhile go to a, however busy, not to the stream's member.
    expect(await pool.run(async (m) => m)).toBe('a')
    early.release()
    await before
    stream.release()
    expect(await exclusive).toBe('b')
    expect(order).toEqual(['stream starts on b', 'early on a', 'stream ends'])
    expect(await pool.run(async (m) => m)).toBe('a')
  })

  it('waits for the calls on a single member before it starts', async () => {
    const pool = new ConnectionPool(['a'])
    const early = held()
    const order: string[] = []
    const before = pool.run(() => early.done.then(() => void order.push('early')))
    const exclusive = pool.runExclusive(async () => void order.push('stream'))
    await Promise.resolve()
    expect(order).toEqual([])
    early.release()
    await Promise.all([before, exclusive])
    expect(order).toEqual(['early', 'stream'])
  })
})

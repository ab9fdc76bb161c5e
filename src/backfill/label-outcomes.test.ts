import { describe, expect, it } from 'vitest'
import { DriftwatchError } from '../errors.js'
import { outcomeTally, outcomesOf, type StoredIds } from './label-outcomes.js'

const stored: StoredIds = { labelsErased: new Set(['gone-1', 'gone-2']), predicted: new Set(['p-1', 'p-2', 'gone-2']) }

describe('outcomesOf', () => {
  it('counts each label as dropped (its labels erased), joined (a prediction stored) or pending (none)', () => {
    expect(outcomesOf(['p-1', 'p-2', 'gone-1', 'x-1', 'x-2', 'x-3'], stored)).toEqual({ joined: 2, pending: 3, dropped: 1, unread: 0 })
  })

  it('drops the label of an erased id even when a prediction of another model holds the id: the ingest screen goes by the id', () => {
    expect(outcomesOf(['gone-2'], stored)).toEqual({ joined: 0, pending: 0, dropped: 1, unread: 0 })
  })

  it('counts a prediction_id sent twice twice, as sent counts it', () => {
    expect(outcomesOf(['p-1', 'p-1', 'x-1', 'x-1'], stored)).toEqual({ joined: 2, pending: 2, dropped: 0, unread: 0 })
  })

  it('counts nothing for no labels', () => {
    expect(outcomesOf([], stored)).toEqual({ joined: 0, pending: 0, dropped: 0, unread: 0 })
  })
})

describe('outcomeTally', () => {
  it('reads the ids in chunks, the rest when asked, and adds up the outcomes', async () => {
    const reads: string[][] = []
    const tally = outcomeTally(async (ids) => (reads.push([...ids]), stored), { ids: 3 })
    await tally.count(['p-1', 'x-1'])
    expect(reads).toEqual([])
    await tally.count(['p-2', 'p-2', 'gone-1'])
    await tally.count(['x-2'])
    expect(reads).toEqual([['p-1', 'x-1', 'p-2'], ['p-2', 'gone-1', 'x-2']])
    await tally.count(['x-3'])
    expect(await tally.outcomes()).toEqual({ joined: 3, pending: 3, dropped: 1, unread: 0 })
    expect(reads).toEqual([['p-1', 'x-1', 'p-2'], ['p-2', 'gone-1', 'x-2'], ['x-3']])
    expect(await tally.outcomes()).toEqual({ joined: 3, pending: 3, dropped: 1, unread: 0 })
    expect(reads).toHaveLength(3)
  })

  it('reads no more than the byte bound of ids at once (UTF-8 bytes)', async () => {
    const reads: string[][] = []
    const tally = outcomeTally(async (ids) => (reads.push([...ids]), stored), { bytes: 6 })
    await tally.count(['p-1', 'x-1', 'é-1', 'p-2'])
    expect(await tally.outcomes()).toEqual({ joined: 2, pending: 2, dropped: 0, unread: 0 })
    expect(reads).toEqual([['p-1', 'x-1'], ['é-1'], ['p-2']])
  })

  it('counts the labels of a read the store did not answer as unread instead of failing', async () => {
    let calls = 0
    const tally = outcomeTally(async () => {
      if (++calls === 2) throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', 'down', { retriable: true })
      return stored
    }, { ids: 2 })
    await tally.count(['p-1', 'x-1'])
    await tally.count(['p-2', 'p-2', 'gone-1'])
    await tally.count(['gone-1'])
    // Reads: [p-1, x-1], [p-2, p-2] (failed), [gone-1, gone-1].
    expect(await tally.outcomes()).toEqual({ joined: 1, pending: 1, dropped: 2, unread: 2 })
  })

  it('lets a bug through', async () => {
    const tally = outcomeTally(async () => {
      throw new TypeError('bug')
    })
    await tally.count(['p-1'])
    await expect(tally.outcomes()).rejects.toThrow(TypeError)
  })
})

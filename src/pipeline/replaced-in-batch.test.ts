import { describe, expect, it } from 'vitest'
import { replacedInBatch } from './event-handler.js'

type K = { id: string; v: number }
const byId = { key: (k: K) => k.id, version: (k: K) => k.v, id: (k: K) => k.id, stored: { columns: '', key: () => '', version: () => 0 } }

describe('replacedInBatch', () => {
  it('keeps, of the rows of one key, the greatest version, the last of equal ones', () => {
    const keys = [{ id: 'a', v: 1 }, { id: 'b', v: 5 }, { id: 'a', v: 1 }, { id: 'b', v: 3 }, { id: 'c', v: 0 }, { id: 'a', v: 0 }]
    expect([...replacedInBatch(keys, byId)].sort()).toEqual([0, 3, 5])
  })

  it('replaces nothing when every key occurs once', () => {
    expect(replacedInBatch([{ id: 'a', v: 1 }, { id: 'b', v: 1 }], byId).size).toBe(0)
  })
})

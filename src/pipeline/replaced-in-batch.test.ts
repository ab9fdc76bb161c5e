import { describe, expect, it } from 'vitest'
import { replacedInBatch } from './event-handler.js'

const byId = { key: (k: { id: string; v: number }) => k.id, version: (k: { id: string; v: number }) => k.v }

describe('replacedInBatch', () => {
  it('keeps, of the rows of one key, the greatest version, the last of equal ones', () => {
    const keys = [{ id: 'a', v: 1 }, { id: 'b', v: 5 }, { id: 'a', v: 1 }, { id: 'b', v: 3 }, { id: 'c', v: 0 }, { id: 'a', v: 0 }]
    expect([...replacedInBatch(keys, byId)].sort()).toEqual([0, 3, 5])
  })

  it('replaces nothing when every key occurs once', () => {
    expect(replacedInBatch([{ id: 'a', v: 1 }, { id: 'b', v: 1 }], byId).size).toBe(0)
  })
})

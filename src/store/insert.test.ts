import { describe, expect, it } from 'vitest'
import { wellFormed } from './insert.js'

describe('wellFormed', () => {
  it('returns the value itself when every string is well-formed', () => {
    const row = { a: 'é 名前 😀', n: 1, m: { k: ['x', null] }, b: Buffer.from('\ud800') }
    expect(wellFormed(row)).toBe(row)
  })

  it('replaces lone surrogates in values, map keys and array items, in a copy', () => {
    const row = { s: 'x\ud83d', keep: 'y', m: { ['k\udc00']: 'v', other: 1 }, a: ['ok', '\udfff'] }
    const out = wellFormed(row)
    expect(out).toEqual({ s: 'x\ufffd', keep: 'y', m: { 'k\ufffd': 'v', other: 1 }, a: ['ok', '\ufffd'] })
    expect(out).not.toBe(row)
    expect(row.s).toBe('x\ud83d') // the input is not changed
    expect(out.a).not.toBe(row.a)
  })
})

import { describe, expect, it } from 'vitest'
import { unsafeNameProblem } from './names.js'

describe('unsafeNameProblem', () => {
  it('names the character by its code point and position, and is null for a clean name', () => {
    expect(unsafeNameProblem('a\u202eb')).toBe('contains U+202E at position 1, a control or bidi formatting character a terminal would obey: remove it')
    expect(unsafeNameProblem('ab')).toBeNull()
  })
})

import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { maxOf, minOf, pushAll } from './arrays.js'

const MANY = 500_000

describe('minOf, maxOf, pushAll', () => {
  it('give what Math.min, Math.max and push give', () => {
    for (const xs of [[], [3], [2, -1, 7], [0, -0], [-0, 0], [1, NaN, 2], [Infinity, -Infinity], [5e-324, -5e-324]]) {
      expect(Object.is(minOf(xs), Math.min(...xs))).toBe(true)
      expect(Object.is(maxOf(xs), Math.max(...xs))).toBe(true)
      const target = ['a']
      expect(pushAll(target, xs.map(String))).toBe(target)
      expect(target).toEqual(['a', ...xs.map(String)])
    }
    expect(minOf(new Set([4, 2, 9]).values())).toBe(2)
  })

  it('take a list of any length, where spreading it into the call overflows the stack', () => {
    const xs = Array.from({ length: MANY }, (_, i) => (i * 7919) % MANY)
    expect(() => Math.min(...xs)).toThrow(RangeError)
    expect(minOf(xs)).toBe(0)
    expect(maxOf(xs)).toBe(MANY - 1)
    expect(pushAll([-1], xs)).toHaveLength(MANY + 1)
  })
})

describe('no call in src spreads a list into its arguments', () => {
  // Math.min/max(...list) and list.push(...items) throw past ~100,000 elements (arrays.ts); the
  // lists in src are data (labels, windows, rows), so none may reach such a call.
  const src = import.meta.dirname
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []))
  const SPREAD_CALL = /\bMath\.(?:min|max)\(\s*\.\.\.|\.(?:push|unshift)\(\s*\.\.\./

  it('finds none', () => {
    const found = files(src).flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        // Comments (like arrays.ts' own) may name the pattern.
        .flatMap((line, i) => (SPREAD_CALL.test(line) && !/^\s*(?:\*|\/\/)/.test(line) ? [`${relative(src, f)}:${i + 1}: ${line.trim()}`] : [])),
    )
    expect(found).toEqual([])
  })
})

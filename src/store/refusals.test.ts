import { ClickHouseError } from '@clickhouse/client'
import { describe, expect, it } from 'vitest'
import { DriftwatchError } from '../errors.js'
import { clickHouseCodeOf, contentRefusal, isolateRefused, MAX_REFUSAL_INSERTS, type Refusal } from './refusals.js'

/** The shape chDB's ChdbInsertError has (errors.d.ts): an Error with clickhouseCode and maybe failedAtRow. */
function chdbError(message: string, clickhouseCode: number, failedAtRow?: number): Error {
  return Object.assign(new Error(message), { name: 'ChdbInsertError', code: 'CHDB_INSERT', clickhouseCode, ...(failedAtRow ? { failedAtRow } : {}) })
}

describe('contentRefusal: refused for content vs unavailable', () => {
  it('reads the code from chDB errors, @clickhouse/client errors and their causes', () => {
    expect(clickHouseCodeOf(chdbError('Code: 469. DB::Exception: …', 469))).toBe(469)
    expect(clickHouseCodeOf(new ClickHouseError({ message: 'Too many parts', code: '252', type: 'TOO_MANY_PARTS' }))).toBe(252)
    const wrapped = new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', 'x', { cause: new ClickHouseError({ message: 'm', code: '6', type: 'CANNOT_PARSE_TEXT' }) })
    expect(clickHouseCodeOf(wrapped)).toBe(6)
    // Node's socket errors carry a non-numeric `code`: no ClickHouse code.
    expect(clickHouseCodeOf(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBeNull()
    expect(clickHouseCodeOf(null)).toBeNull()
    expect(clickHouseCodeOf('Code: 469. text only')).toBeNull()
  })

  it('content refusals: parse errors, constraints, type and size errors', () => {
    for (const [code, name] of [
      [469, 'VIOLATED_CONSTRAINT'],
      [27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'],
      [6, 'CANNOT_PARSE_TEXT'],
      [53, 'TYPE_MISMATCH'],
      [131, 'TOO_LARGE_STRING_SIZE'],
      [321, 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE'],
    ] as const) {
      expect(contentRefusal(chdbError(`Code: ${code}. DB::Exception: x`, code))?.codeName).toBe(name)
      expect(contentRefusal(new ClickHouseError({ message: 'x', code: String(code), type: name }))?.clickhouseCode).toBe(code)
    }
  })

  it('transient and unknown failures are not refusals (retriable, the safe default)', () => {
    for (const [code, type] of [
      [252, 'TOO_MANY_PARTS'],
      [241, 'MEMORY_LIMIT_EXCEEDED'],
      [242, 'TABLE_IS_READ_ONLY'],
      [159, 'TIMEOUT_EXCEEDED'],
      [210, 'NETWORK_ERROR'],
      [60, 'UNKNOWN_TABLE'],
      [16, 'NO_SUCH_COLUMN_IN_TABLE'],
      [99999, 'SOMETHING_NEW'],
    ] as const) {
      expect(contentRefusal(new ClickHouseError({ message: 'x', code: String(code), type }))).toBeNull()
      expect(contentRefusal(chdbError('x', code))).toBeNull()
    }
    expect(contentRefusal(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBeNull()
    expect(contentRefusal(new Error('socket hang up'))).toBeNull()
  })

  it('takes the refused row from chDB failedAtRow, else from the message', () => {
    expect(contentRefusal(chdbError('Code: 27. Cannot parse input: (at row 7)', 27, 3))?.atRow).toBe(3)
    expect(contentRefusal(chdbError('Code: 27. Cannot parse input: expected \'\\t\' (at row 7)', 27))?.atRow).toBe(7)
    expect(contentRefusal(new ClickHouseError({ message: 'Constraint `c` for table db.t is violated at row 12. Expression: …', code: '469', type: 'VIOLATED_CONSTRAINT' }))?.atRow).toBe(12)
    expect(contentRefusal(chdbError('Code: 131. String too large', 131))?.atRow).toBeNull()
  })
})

/**
 * A table that refuses the rows in `bad` (the first of a range, as ClickHouse names it when
 * `hints`), storing the others; records every insert's range, and each stored row.
 */
function table(bad: ReadonlySet<number>, hints: boolean) {
  const tries: [number, number][] = []
  const stored: number[] = []
  const refusal = (start: number, end: number): Refusal | null => {
    for (let i = start; i < end; i++) {
      if (bad.has(i)) return { clickhouseCode: 469, codeName: 'VIOLATED_CONSTRAINT', message: `row ${i}`, atRow: hints ? i - start + 1 : null }
    }
    return null
  }
  return {
    tries,
    stored,
    first: (n: number) => refusal(0, n)!,
    insert: async (start: number, end: number) => {
      tries.push([start, end])
      const r = refusal(start, end)
      if (!r) for (let i = start; i < end; i++) stored.push(i)
      return r
    },
  }
}

describe('isolateRefused: the refused rows of a refused batch', () => {
  const rowsOf = (ranges: readonly { start: number; end: number }[]) => ranges.flatMap((r) => Array.from({ length: r.end - r.start }, (_, i) => r.start + i))

  for (const hints of [true, false]) {
    it(`finds exactly the refused rows and stores every other row once (${hints ? 'with' : 'without'} a row hint)`, async () => {
      const n = 500
      const bad = new Set([0, 17, 18, 250, 499])
      const t = table(bad, hints)
      const { refused, inserts } = await isolateRefused(n, t.first(n), t.insert)
      expect(rowsOf(refused)).toEqual([...bad].sort((a, b) => a - b))
      expect(refused.every((r) => r.end - r.start === 1)).toBe(true)
      expect([...t.stored].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i).filter((i) => !bad.has(i)))
      expect(new Set(t.stored).size).toBe(t.stored.length)
      expect(inserts).toBe(t.tries.length)
      expect(inserts).toBeLessThanOrEqual(MAX_REFUSAL_INSERTS)
      // With a hint each refused row costs a few inserts; bisection about 2·log2(n) each.
      if (hints) expect(inserts).toBeLessThanOrEqual(3 * bad.size + 1)
    })
  }

  it('tries the same ranges on a replay (the dedup tokens are derived from them)', async () => {
    const a = table(new Set([3, 40, 41]), false)
    const b = table(new Set([3, 40, 41]), false)
    await isolateRefused(64, a.first(64), a.insert)
    await isolateRefused(64, b.first(64), b.insert)
    expect(a.tries).toEqual(b.tries)
  })

  it('bounds the work when everything is refused: whole ranges past the budget, none lost, none stored', async () => {
    const n = 10_000
    const t = table(new Set(Array.from({ length: n }, (_, i) => i)), false)
    const { refused, inserts } = await isolateRefused(n, t.first(n), t.insert, 32)
    expect(inserts).toBeLessThanOrEqual(32 + 2 * Math.ceil(Math.log2(n)))
    expect(rowsOf(refused)).toEqual(Array.from({ length: n }, (_, i) => i))
    expect(t.stored).toEqual([])
  })

  it('a wrong row hint costs inserts, never correctness', async () => {
    const bad = new Set([5])
    const t = table(bad, false)
    const wrong = async (start: number, end: number) => {
      const r = await t.insert(start, end)
      return r && { ...r, atRow: 1 } // always names the range's first row
    }
    const { refused } = await isolateRefused(20, { ...t.first(20), atRow: 1 }, wrong)
    expect(rowsOf(refused)).toEqual([5])
    expect([...t.stored].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 5))
  })

  it('a transient failure during isolation propagates (the batch is retried)', async () => {
    const t = table(new Set([2]), false)
    let calls = 0
    const flaky = async (start: number, end: number) => {
      if (++calls === 2) throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', 'down', { retriable: true })
      return t.insert(start, end)
    }
    await expect(isolateRefused(8, t.first(8), flaky)).rejects.toMatchObject({ code: 'DW_CLICKHOUSE_UNAVAILABLE' })
  })
})

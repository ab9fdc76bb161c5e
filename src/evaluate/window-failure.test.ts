import { describe, expect, it } from 'vitest'
import { DriftwatchError } from '../errors.js'
import { exceededLimit, windowFailure } from './window-failure.js'

/** @clickhouse/client's ClickHouseError: the server's code as a numeric string beside `type`. */
const clickhouseError = (code: number, type: string) => Object.assign(new Error(`${type} happened`), { code: String(code), type })
/** chDB's errors: a CHDB_* code, and the ClickHouse code when the engine gave one. */
const chdbError = (code: string, clickhouseCode?: number) => Object.assign(new Error(code), { code, clickhouseCode })
const wrapped = (cause: unknown, retriable = true) => new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', 'insert into drift failed', { cause, retriable })

describe('windowFailure', () => {
  it('retries what ClickHouse being away or busy causes', () => {
    for (const e of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      chdbError('CHDB_CLOSED'),
      clickhouseError(241, 'MEMORY_LIMIT_EXCEEDED'),
      clickhouseError(202, 'TOO_MANY_SIMULTANEOUS_QUERIES'),
      clickhouseError(999_999, 'A_CODE_ADDED_LATER'),
      wrapped(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })),
      wrapped(new Error('Timeout error.')),
      new DriftwatchError('DW_CLICKHOUSE_QUERY_FAILED', 'read query failed', { retriable: true }),
    ]) {
      expect(windowFailure(e).retriable, String(e)).toBe(true)
    }
  })

  it('sets aside what a retry reproduces: refused statements or values, bind refusals, bugs', () => {
    const bind = Object.assign(new Error('Refusing to serialize unsafe integer 12000000000000000 (beyond ±2^53)'), { cause: chdbError('CHDB_BIND') })
    for (const e of [
      bind,
      wrapped(bind),
      clickhouseError(43, 'ILLEGAL_TYPE_OF_ARGUMENT'),
      clickhouseError(457, 'BAD_QUERY_PARAMETER'),
      chdbError('CHDB_QUERY', 62),
      wrapped(Object.assign(new Error('Cannot read DateTime'), { code: '41', type: 'CANNOT_PARSE_DATETIME' })), // an insert refused for its rows
      new TypeError("Cannot read properties of undefined (reading 'length')"),
      new RangeError('Invalid array length'),
      new DriftwatchError('DW_VALIDATION_FAILED', 'no such thing'),
      'a thrown string',
    ]) {
      expect(windowFailure(e).retriable, String(e)).toBe(false)
    }
  })

  it('names the failure and keeps the original as its cause', () => {
    const bug = new TypeError('x is not a function')
    expect(windowFailure(bug)).toMatchObject({ code: 'DW_INTERNAL', retriable: false, message: 'x is not a function', cause: bug })
    expect(windowFailure(clickhouseError(47, 'UNKNOWN_IDENTIFIER'))).toMatchObject({ code: 'DW_CLICKHOUSE_QUERY_FAILED', retriable: false })
    const refusedInsert = wrapped(clickhouseError(53, 'TYPE_MISMATCH'))
    expect(windowFailure(refusedInsert)).toMatchObject({ code: 'DW_CLICKHOUSE_QUERY_FAILED', retriable: false, cause: refusedInsert })
    const away = wrapped(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
    expect(windowFailure(away)).toBe(away)
  })
})

describe('exceededLimit', () => {
  it('names the resource limit that stopped a query, on the error or its causes, and nothing else', () => {
    expect(exceededLimit(clickhouseError(241, 'MEMORY_LIMIT_EXCEEDED'))).toBe('MEMORY_LIMIT_EXCEEDED')
    expect(exceededLimit(wrapped(chdbError('CHDB_QUERY', 241)))).toBe('MEMORY_LIMIT_EXCEEDED')
    expect(exceededLimit(clickhouseError(307, 'TOO_MANY_BYTES'))).toBe('TOO_MANY_BYTES')
    expect(exceededLimit(clickhouseError(202, 'TOO_MANY_SIMULTANEOUS_QUERIES'))).toBeNull()
    expect(exceededLimit(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBeNull()
  })
})

/**
 * Strings ClickHouse cannot take as JSON: a lone UTF-16 surrogate (a message cut in the middle of
 * an emoji) is written by JSON.stringify as an escape the engine refuses, and a refused insert of
 * dead letters, marks or metrics would be retried forever. insertRows writes such strings
 * well-formed, through the real engine.
 */
import { describe, expect, it } from 'vitest'
import { insertRows } from '../src/store/insert.js'
import { withDatabase } from '../src/store/query.js'
import { storeOnlyApp } from './support/store-app.js'
import { queryRows } from './support/query.js'

const CUT = `${'a'.repeat(5)}\ud83d` // the first half of 😀
const ROW = { id: 1, s: CUT, m: { [`k\udc00`]: 'v\ud800', ok: '😀' }, a: ['\udfff', 'fine'] }

describe('insertRows and lone surrogates', () => {
  const store = storeOnlyApp()
  const table = async () => {
    const { app } = store
    await app.store.client.command({ query: withDatabase('CREATE TABLE IF NOT EXISTS {db}.strings (id UInt32, s String, m Map(String, String), a Array(String)) ENGINE = MergeTree ORDER BY id', app.store.database) })
    await app.store.client.command({ query: withDatabase('TRUNCATE TABLE {db}.strings', app.store.database) })
    return app.store
  }

  it('the engine refuses the row as JSON.stringify writes it', async () => {
    const s = await table()
    await expect(s.client.insert({ table: withDatabase('{db}.strings', s.database), values: [ROW], format: 'JSONEachRow' })).rejects.toThrow(/surrogate/i)
  })

  it('stores it with U+FFFD in place of each lone surrogate, map keys and array items included', async () => {
    const s = await table()
    await insertRows(s, 'strings', [ROW, { id: 2, s: 'plain', m: {}, a: [] }], 'strings-1')
    const rows = await queryRows<{ id: number; s: string; m: Record<string, string>; a: string[] }>(s, 'SELECT id, s, m, a FROM {db}.strings ORDER BY id')
    expect(rows).toEqual([
      { id: 1, s: 'aaaaa\ufffd', m: { 'k\ufffd': 'v\ufffd', ok: '😀' }, a: ['\ufffd', 'fine'] },
      { id: 2, s: 'plain', m: {}, a: [] },
    ])
  })
})

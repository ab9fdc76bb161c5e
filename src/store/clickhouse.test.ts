import { describe, expect, it } from 'vitest'
import { callOnlySettings, insertWithOwnSettings } from './clickhouse.js'

describe('the embedded connection: settings of one call', () => {
  it('moves an insert\'s own settings into its SETTINGS clause, and keeps the session\'s for the connection', () => {
    const params = {
      query: 'INSERT INTO db.window_marks FORMAT JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 1, async_insert: 0, insert_deduplication_token: "marks:it's" },
    }
    expect(insertWithOwnSettings(params)).toEqual({
      query: "INSERT INTO db.window_marks SETTINGS insert_deduplication_token = 'marks:it\\'s' FORMAT JSONEachRow",
      clickhouse_settings: { output_format_json_quote_64bit_integers: 1, async_insert: 0 },
    })
    expect(insertWithOwnSettings({ query: 'INSERT INTO db.t (a, b) FORMAT JSONEachRow', clickhouse_settings: { max_insert_threads: 2, optimize_on_insert: false } })?.query)
      .toBe('INSERT INTO db.t (a, b) SETTINGS max_insert_threads = 2, optimize_on_insert = 0 FORMAT JSONEachRow')
  })

  it('leaves alone an insert with no settings of its own, and a statement that is not an INSERT … FORMAT', () => {
    expect(insertWithOwnSettings({ query: 'INSERT INTO db.t FORMAT JSONEachRow', clickhouse_settings: { async_insert: 0 } })).toBeNull()
    expect(insertWithOwnSettings({ query: 'INSERT INTO db.t FORMAT JSONEachRow' })).toBeNull()
    expect(insertWithOwnSettings({ query: 'ALTER TABLE db.t DELETE WHERE 1', clickhouse_settings: { mutations_sync: 2 } })).toBeNull()
  })

  it("counts as a call's own the settings that are not the session's and that the engine takes", () => {
    expect(callOnlySettings({ async_insert: 0, wait_end_of_query: 1, default_format: 'JSON', mutations_sync: '2', max_threads: undefined })).toEqual(['mutations_sync'])
    expect(callOnlySettings({ async_insert: 1 })).toEqual(['async_insert'])
    expect(callOnlySettings(undefined)).toEqual([])
  })
})

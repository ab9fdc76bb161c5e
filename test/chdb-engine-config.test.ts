/**
 * The embedded engine runs with driftwatch's server configuration (src/store/clickhouse.ts,
 * CHDB_ENGINE_CONFIG; docs/operations.md "Memory"), not with a dedicated server's defaults:
 * vertical merges for wide parts, merges that rewrite rows fewer times, and bounded caches.
 * chdb/connection takes no engine arguments, so this checks that the configuring session really
 * reached the engine the client talks to.
 */
import { describe, expect, it } from 'vitest'
import { storeOnlyApp } from './support/store-app.js'
import { queryRows } from './support/query.js'

describe('the embedded engine configuration', () => {
  const started = storeOnlyApp()

  it('merges wide parts vertically, from the first row', async () => {
    const rows = await queryRows<{ name: string; value: string }>(
      started.app.store,
      "SELECT name, value FROM system.merge_tree_settings WHERE name IN ('vertical_merge_algorithm_min_rows_to_activate', 'vertical_merge_algorithm_min_columns_to_activate') ORDER BY name",
    )
    expect(rows).toEqual([
      { name: 'vertical_merge_algorithm_min_columns_to_activate', value: '1' },
      { name: 'vertical_merge_algorithm_min_rows_to_activate', value: '1' },
    ])
  })

  it('merges a range of parts once it holds about ten times its largest part', async () => {
    const rows = await queryRows<{ value: string }>(started.app.store, "SELECT value FROM system.merge_tree_settings WHERE name = 'merge_selector_base'")
    expect(rows).toEqual([{ value: '10' }])
  })

  it('bounds the caches a dedicated server sizes at gigabytes', async () => {
    const rows = await queryRows<{ name: string; value: string }>(
      started.app.store,
      "SELECT name, value FROM system.server_settings WHERE name IN ('mark_cache_size', 'primary_index_cache_size', 'index_mark_cache_size', 'query_condition_cache_size') ORDER BY name",
    )
    expect(Object.fromEntries(rows.map((r) => [r.name, Number(r.value)]))).toEqual({
      index_mark_cache_size: 32 * 2 ** 20,
      mark_cache_size: 64 * 2 ** 20,
      primary_index_cache_size: 32 * 2 ** 20,
      query_condition_cache_size: 16 * 2 ** 20,
    })
  })
})

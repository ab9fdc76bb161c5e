/**
 * Regression: every instance runs the migrations at its start, and instances started together
 * ran the ones not yet recorded side by side. On a ClickHouse server a statement can fail because
 * of the other start (two ALTER ... MODIFY COLUMN of one table), and that failed the start with
 * DW_MIGRATION_FAILED. A failed migration is now retried after re-reading schema_migrations, and
 * one that the other start recorded meanwhile counts as done. chDB runs concurrent ALTERs without
 * that error, so the tests below make a statement fail the way the server does.
 */
import type { ClickHouseClient } from '@clickhouse/client'
import { afterEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../src/store/clickhouse.js'
import { loadMigrations, migrate } from '../src/store/migrate.js'
import { dropTestResources, testConfig } from './support/config.js'
import { queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const FAST = { backoff: { baseMs: 10, capMs: 50 } }

/** The store, with `fail(query)` consulted before each command: what it throws, the command throws. */
function failing(store: Store, fail: (query: string) => Promise<void>): Store {
  const client = new Proxy(store.client, {
    get(target, p) {
      if (p === 'command') return async (params: Parameters<ClickHouseClient['command']>[0]) => (await fail(params.query), target.command(params))
      const v = Reflect.get(target, p) as unknown
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
  return { ...store, client }
}

/** The error a ClickHouse server gives the second of two concurrent ALTERs of one table (as text). */
const alterConflict = () => new Error('Code: 517. DB::Exception: Metadata on replica is not up to date with common metadata in Zookeeper. It means that this replica still not applied some of previous alters. Probably too many alters executing concurrently (highly not recommended). (CANNOT_ASSIGN_ALTER)')

describe('migrate, started twice at once', () => {
  let config = testConfig({ kafka: false })
  let store: Store | undefined
  afterEach(async () => {
    await store?.close()
    store = undefined
    await dropTestResources(config)
    config = testConfig({ kafka: false })
  })

  const versions = () => loadMigrations(config.clickhouse.database).map((m) => m.version)
  const records = async (s: Store) =>
    (await queryRows<{ version: number; n: string }>(s, 'SELECT version, count() AS n FROM {db}.schema_migrations FINAL GROUP BY version ORDER BY version')).map((r) => [Number(r.version), Number(r.n)])

  it('succeeds in both starts on a fresh chDB database and records every migration once', async () => {
    const s = (store = openStore(config.clickhouse))
    const reports = await Promise.all([migrate(s), migrate(s)])
    // Each start applied, found or saw the other apply every migration.
    for (const r of reports) expect(r.applied.length + r.alreadyApplied + r.appliedElsewhere.length).toBe(versions().length)
    expect(await records(s)).toEqual(versions().map((v) => [v, 1]))
    expect(await migrate(s)).toMatchObject({ applied: [], alreadyApplied: versions().length, appliedElsewhere: [] })
  })

  it('counts a migration as done when it failed in one start because the other start was applying it', async () => {
    const s = (store = openStore(config.clickhouse))
    const recorded = async (version: number) => (await records(s)).some(([v]) => v === version)
    let conflicts = 0
    // Start A's first MODIFY COLUMN (0012) fails as the server fails it while start B alters the
    // same table; B goes on and records 0012 before A hears of its failure.
    const a = failing(s, async (query) => {
      if (conflicts > 0 || !query.includes('MODIFY COLUMN drift_detected')) return
      conflicts++
      await waitFor(() => recorded(12), (r) => r, { what: 'start B recording 0012' })
      throw alterConflict()
    })
    const [ra, rb] = await Promise.all([migrate(a, undefined, FAST), migrate(s, undefined, FAST)])
    expect(conflicts).toBe(1)
    expect(ra.appliedElsewhere).toContain('0012_drift_decisions')
    expect(rb.applied).toContain('0012_drift_decisions')
    expect(await records(s)).toEqual(versions().map((v) => [v, 1]))
  })

  it('retries a migration that failed and was not recorded meanwhile, a bounded number of times', async () => {
    const s = (store = openStore(config.clickhouse))
    let failures = 0
    const once = failing(s, async (query) => {
      if (query.includes('MODIFY COLUMN drift_detected') && failures++ === 0) throw alterConflict()
    })
    expect(await migrate(once, undefined, FAST)).toMatchObject({ applied: expect.arrayContaining(['0012_drift_decisions']), appliedElsewhere: [] })
    expect(await records(s)).toEqual(versions().map((v) => [v, 1]))

    // A statement that fails every time fails the start after `attempts` tries, unrecorded.
    await s.client.command({ query: `DELETE FROM ${s.database}.schema_migrations WHERE version = 16` })
    let tries = 0
    const always = failing(s, async (query) => {
      if (query.includes('MODIFY COLUMN features_num')) throw (tries++, alterConflict())
    })
    await expect(migrate(always, undefined, { ...FAST, attempts: 3 })).rejects.toMatchObject({ code: 'DW_MIGRATION_FAILED', message: expect.stringMatching(/^migration 0016_features_num_hex failed \(3 tries\): Code: 517/) })
    expect(tries).toBe(3)
    expect(await records(s)).toEqual(versions().filter((v) => v !== 16).map((v) => [v, 1]))
  })
})

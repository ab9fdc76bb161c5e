import { describe, expect, it } from 'vitest'
import type { Store } from './clickhouse.js'
import { loadMigrations, migrate, parseMigration } from './migrate.js'

/** A server store whose every command fails with `error`. */
const failingStore = (error: Error) => ({
  kind: 'server',
  database: 'dw',
  location: 'http://127.0.0.1:18999/',
  client: { command: async () => { throw error }, query: async () => { throw error }, insert: async () => { throw error } },
}) as unknown as Store
const FAST = { attempts: 2, backoff: { baseMs: 1, capMs: 1 } }

describe('parseMigration', () => {
  it('splits statements, substitutes the database and drops comment-only chunks', () => {
    const m = parseMigration('0002_two_tables.sql', '-- header\nCREATE TABLE {db}.a (x UInt8) ENGINE = Memory;\n\nCREATE TABLE {db}.b (x UInt8) ENGINE = Memory;\n-- trailing\n', 'dw')
    expect(m.version).toBe(2)
    expect(m.name).toBe('two_tables')
    expect(m.statements).toHaveLength(2)
    expect(m.statements[0]).toContain('CREATE TABLE dw.a')
    expect(m.statements[1]).toContain('CREATE TABLE dw.b')
  })

  it('refuses the old {{db}} placeholder, which {db} substitution would turn into broken SQL', () => {
    expect(() => parseMigration('0001_old.sql', 'CREATE TABLE {{db}}.a (x UInt8) ENGINE = Memory;', 'dw')).toThrow(/write \{db\}/)
  })

  it('rejects a badly named file', () => {
    expect(() => parseMigration('init.sql', 'SELECT 1', 'dw')).toThrow(/0001_name\.sql/)
  })

  it('ships migrations numbered without gaps', () => {
    const versions = loadMigrations('dw').map((m) => m.version)
    expect(versions).toEqual(versions.map((_, i) => i + 1))
  })
})

describe('migrate: what a failure says', () => {
  it('a server that refuses the connection is DW_CLICKHOUSE_UNAVAILABLE naming CLICKHOUSE_URL', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:18999'), { code: 'ECONNREFUSED' })
    await expect(migrate(failingStore(refused), [], FAST)).rejects.toMatchObject({
      code: 'DW_CLICKHOUSE_UNAVAILABLE',
      retriable: true,
      message: 'cannot reach ClickHouse at http://127.0.0.1:18999/ (connect ECONNREFUSED 127.0.0.1:18999; 2 tries): check CLICKHOUSE_URL and that the server runs',
    })
  })

  it('an HTTP error with an empty body (a server that is not ClickHouse) says so instead of ending at a colon', async () => {
    await expect(migrate(failingStore(new Error('')), [], FAST)).rejects.toMatchObject({
      code: 'DW_CLICKHOUSE_UNAVAILABLE',
      message: expect.stringMatching(/^creating database dw failed \(2 tries\): http:\/\/127\.0\.0\.1:18999\/ answered an HTTP error with an empty body, which ClickHouse never sends: check that CLICKHOUSE_URL is ClickHouse's HTTP interface/),
    })
  })

  it('an error ClickHouse gives stays DW_MIGRATION_FAILED with its message', async () => {
    await expect(migrate(failingStore(new Error('Code: 81. DB::Exception: Database x does not exist. (UNKNOWN_DATABASE)')), [], FAST)).rejects.toMatchObject({
      code: 'DW_MIGRATION_FAILED',
      message: 'creating database dw failed (2 tries): Code: 81. DB::Exception: Database x does not exist. (UNKNOWN_DATABASE)',
    })
  })
})

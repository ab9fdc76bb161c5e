/**
 * Ordered, idempotent migrations: schemas/clickhouse/NNNN_name.sql applied in order, each once,
 * recorded in {db}.schema_migrations (`{db}`, in the files too: the database, src/store/query.ts). Safe to run at every start and from `driftwatch migrate`.
 * The same DDL runs on chDB and on a ClickHouse server.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packagePath } from '../package-root.js'
import { DriftwatchError } from '../errors.js'
import type { Store } from './clickhouse.js'
import { withDatabase } from './query.js'

export const MIGRATIONS_DIR = packagePath('schemas', 'clickhouse')

export interface Migration {
  readonly version: number
  readonly name: string
  readonly statements: readonly string[]
}

/** Splits a .sql file into statements on `;` at line ends; comments are kept with their statement. */
export function parseMigration(fileName: string, sql: string, database: string): Migration {
  const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(fileName)
  if (!m) throw new DriftwatchError('DW_MIGRATION_FAILED', `migration file name "${fileName}" must look like 0001_name.sql`)
  if (sql.includes('{{db}}')) throw new DriftwatchError('DW_MIGRATION_FAILED', `${fileName}: write {db} for the database, not {{db}} (src/store/query.ts)`)
  const statements = withDatabase(sql, database)
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.replace(/--.*$/gm, '').trim().length > 0)
  return { version: Number(m[1]), name: m[2]!, statements }
}

export function loadMigrations(database: string, dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => parseMigration(f, readFileSync(join(dir, f), 'utf8'), database))
}

export interface MigrationReport {
  readonly applied: readonly string[]
  readonly alreadyApplied: number
}

export async function migrate(store: Store, migrations = loadMigrations(store.database)): Promise<MigrationReport> {
  const run = async (query: string, what: string) => {
    try {
      await store.client.command({ query })
    } catch (cause) {
      throw new DriftwatchError('DW_MIGRATION_FAILED', `${what} failed: ${(cause as Error).message}`, { cause })
    }
  }
  await run(withDatabase('CREATE DATABASE IF NOT EXISTS {db}', store.database), `creating database ${store.database}`)
  await run(
    withDatabase(
      `CREATE TABLE IF NOT EXISTS {db}.schema_migrations (version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
       ENGINE = ReplacingMergeTree ORDER BY version`,
      store.database,
    ),
    'creating schema_migrations',
  )
  const done = new Set(
    (await (await store.client.query({ query: withDatabase('SELECT version FROM {db}.schema_migrations FINAL', store.database), format: 'JSONEachRow' })).json<{ version: number }>())
      .map((r) => Number(r.version)),
  )
  const applied: string[] = []
  for (const m of migrations) {
    if (done.has(m.version)) continue
    for (const statement of m.statements) await run(statement, `migration ${m.version}_${m.name}`)
    await store.client.insert({ table: withDatabase('{db}.schema_migrations', store.database), values: [{ version: m.version, name: m.name }], format: 'JSONEachRow' })
    applied.push(`${String(m.version).padStart(4, '0')}_${m.name}`)
  }
  return { applied, alreadyApplied: done.size }
}

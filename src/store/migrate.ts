/**
 * Ordered, idempotent migrations: schemas/clickhouse/NNNN_name.sql applied in order, each once,
 * recorded in {db}.schema_migrations (`{db}`, in the files too: the database, src/store/query.ts). Safe to run at every start and from `driftwatch migrate`, by several instances at once (see migrate()).
 * The same DDL runs on chDB and on a ClickHouse server.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packagePath } from '../package-root.js'
import { DriftwatchError, describeError } from '../errors.js'
import { backoffDelayMs, type BackoffPolicy } from '../pipeline/backoff.js'
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
  /** Migrations another instance recorded while this one was migrating (instances started together). */
  readonly appliedElsewhere: readonly string[]
}

export interface MigrateOptions {
  /** Tries of each migration (and of each setup statement) before DW_MIGRATION_FAILED. Default 5. */
  readonly attempts?: number
  /** Delay between tries. Default 250 ms doubling up to 4 s, full jitter: about 8 s at most in all. */
  readonly backoff?: BackoffPolicy
  readonly random?: () => number
}

const DEFAULT_ATTEMPTS = 5
const MIGRATION_BACKOFF: BackoffPolicy = { baseMs: 250, capMs: 4000 }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const label = (m: Migration) => `${String(m.version).padStart(4, '0')}_${m.name}`

/** Node's codes for a server that cannot be reached: refused, unknown host, reset, timed out. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'])

/**
 * The error a start or `driftwatch migrate` stops with. A ClickHouse that cannot be reached is
 * DW_CLICKHOUSE_UNAVAILABLE naming CLICKHOUSE_URL; a migration ClickHouse refused is
 * DW_MIGRATION_FAILED with ClickHouse's message. @clickhouse/client's error for a failed HTTP
 * answer carries the response body as its message, and ClickHouse always says what failed: an
 * empty one comes from a server that is not ClickHouse (another service's port, a proxy's 404).
 */
function migrationFailure(store: Store, what: string, attempts: number, cause: unknown): DriftwatchError {
  const message = describeError(cause).trim()
  const code = (cause as { code?: unknown } | null)?.code
  const tries = `${attempts} tries`
  if ((typeof code === 'string' && UNREACHABLE.has(code)) || /^Timeout error/.test(message)) {
    return new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `cannot reach ClickHouse at ${store.location} (${message || code}; ${tries}): check CLICKHOUSE_URL and that the server runs`, { cause, retriable: true })
  }
  if (message === '' && store.kind === 'server') {
    return new DriftwatchError(
      'DW_CLICKHOUSE_UNAVAILABLE',
      `${what} failed (${tries}): ${store.location} answered an HTTP error with an empty body, which ClickHouse never sends: check that CLICKHOUSE_URL is ClickHouse's HTTP interface (port 8123, 8443 with TLS)`,
      { cause, retriable: true },
    )
  }
  const name = cause instanceof Error && cause.name !== 'Error' ? cause.name : ''
  return new DriftwatchError('DW_MIGRATION_FAILED', `${what} failed (${tries}): ${message || (typeof code === 'string' ? code : '') || name || 'an error without a message'}`, { cause })
}

/**
 * Applies the migrations not recorded yet, in order. Every instance runs this at its start, and
 * instances started together run it at the same time, with nothing to serialize them (ClickHouse
 * has no transactions or locks for DDL). So:
 *
 * - A migration is looked up in schema_migrations again just before it runs: what a start beside
 *   this one recorded meanwhile is not run again. Two starts in step may still both run one; the
 *   files are idempotent for that (IF NOT EXISTS, a MODIFY COLUMN to the type it has, an INSERT
 *   into max aggregates), and its two records collapse (ReplacingMergeTree by version, read FINAL).
 * - A migration that fails is retried after re-reading schema_migrations, and counts as done if
 *   the other start recorded it meanwhile: on a ClickHouse server two concurrent ALTER ... MODIFY
 *   COLUMN of one table can fail one of them (the other's alter or mutation holds the table). After
 *   `attempts` tries the start fails with DW_MIGRATION_FAILED, with the last error as cause
 *   (DW_CLICKHOUSE_UNAVAILABLE when ClickHouse could not be reached, see migrationFailure).
 */
export async function migrate(store: Store, migrations = loadMigrations(store.database), o: MigrateOptions = {}): Promise<MigrationReport> {
  const attempts = o.attempts ?? DEFAULT_ATTEMPTS
  const backoff = o.backoff ?? MIGRATION_BACKOFF
  const random = o.random ?? Math.random
  /** Runs `step` up to `attempts` times; `doneMeanwhile` says whether another start did it since. */
  const retried = async (what: string, step: () => Promise<void>, doneMeanwhile: () => Promise<boolean> = async () => false): Promise<'done' | 'elsewhere'> => {
    for (let attempt = 0; ; attempt++) {
      try {
        await step()
        return 'done'
      } catch (cause) {
        if (await doneMeanwhile().catch(() => false)) return 'elsewhere'
        if (attempt + 1 >= attempts) throw migrationFailure(store, what, attempts, cause)
        await sleep(backoffDelayMs(attempt, backoff, random))
      }
    }
  }
  const command = (query: string) => async () => void (await store.client.command({ query }))
  const recorded = async () =>
    new Set(
      (await (await store.client.query({ query: withDatabase('SELECT version FROM {db}.schema_migrations FINAL', store.database), format: 'JSONEachRow' })).json<{ version: number }>())
        .map((r) => Number(r.version)),
    )

  await retried(`creating database ${store.database}`, command(withDatabase('CREATE DATABASE IF NOT EXISTS {db}', store.database)))
  await retried(
    'creating schema_migrations',
    command(
      withDatabase(
        `CREATE TABLE IF NOT EXISTS {db}.schema_migrations (version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
         ENGINE = ReplacingMergeTree ORDER BY version`,
        store.database,
      ),
    ),
  )
  let done = new Set<number>()
  await retried('reading schema_migrations', async () => void (done = await recorded()))
  const applied: string[] = []
  const appliedElsewhere: string[] = []
  const pending = migrations.filter((m) => !done.has(m.version))
  for (const [i, m] of pending.entries()) {
    // The first one was just read; a later one may have been recorded by another start since.
    const outcome = i > 0 && (await recorded()).has(m.version)
      ? 'elsewhere'
      : await retried(
          `migration ${label(m)}`,
          async () => {
            for (const statement of m.statements) await store.client.command({ query: statement })
            await store.client.insert({ table: withDatabase('{db}.schema_migrations', store.database), values: [{ version: m.version, name: m.name }], format: 'JSONEachRow' })
          },
          async () => (await recorded()).has(m.version),
        )
    ;(outcome === 'done' ? applied : appliedElsewhere).push(label(m))
  }
  return { applied, alreadyApplied: done.size, appliedElsewhere }
}

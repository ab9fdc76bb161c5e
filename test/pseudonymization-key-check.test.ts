/**
 * The store records a fingerprint of the pseudonymization key (HMAC-SHA256 of a fixed text under
 * the key: schemas/clickhouse/0020_pseudonymization_key.sql), and a start through startApp, or a
 * maintenance command, whose key differs while pseudonymized rows are stored is refused before it
 * consumes, evaluates or writes (src/store/model-settings-guard.ts).
 * Regression: a changed DRIFTWATCH_PSEUDONYMIZATION_KEY, or the embedded data directory's
 * pseudonymization.key deleted and made again, started without a word, and subject ids and pii
 * values stored before and after it got pseudonyms under two keys: joins by subject, erasure by
 * subject and drift of pii features broke. chDB, embedded mode.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ClickHouseClient } from '@clickhouse/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp } from '../src/app.js'
import { runBaseline } from '../src/cli/baseline.js'
import { pseudonymizedSubjectKey, runErase } from '../src/cli/erase.js'
import { runRecompute } from '../src/cli/recompute.js'
import type { RuntimeConfig } from '../src/config/env.js'
import { parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { openStore, type ClickHouseSettings, type Store } from '../src/store/clickhouse.js'
import { keyFingerprint } from '../src/store/pseudonymize.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const K1 = 'k1-pseudonymization-key-of-the-stored-rows'
const K2 = 'k2-another-pseudonymization-key'
const YAML = 'models:\n  - id: loan\n    positiveClass: approve\n'
const file = parseFileConfig(YAML, 'prod/driftwatch.yaml')
const quiet = createLogger('error')
const HOUR = 3_600_000
const t0 = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR

const withKey = (config: RuntimeConfig, key: string | null): RuntimeConfig => ({ ...config, pseudonymizationKey: key })
const start = (config: RuntimeConfig, o: { yaml?: string; openStore?: typeof openStore } = {}) =>
  startApp(config, quiet, { file: o.yaml ? parseFileConfig(o.yaml, 'prod/driftwatch.yaml') : file, evaluate: false, alerts: false, ...(o.openStore ? { openStore: o.openStore } : {}) })

async function withStore<T>(config: RuntimeConfig, work: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(config.clickhouse)
  try {
    return await work(store)
  } finally {
    await store.close()
  }
}

const fingerprints = (config: RuntimeConfig) =>
  withStore(config, async (s) => (await queryRows<{ fingerprint: string }>(s, 'SELECT fingerprint FROM {db}.pseudonymization_key ORDER BY recorded_at, fingerprint')).map((r) => r.fingerprint))

/** Starts, stores one prediction (with `subject` as its subject id), and stops. */
async function storePredictions(config: RuntimeConfig, subject: string | null, yaml?: string): Promise<void> {
  const app = await start(config, yaml ? { yaml } : {})
  try {
    await app.publisher.publishPredictions([prediction({ prediction_id: 'p-1', model_id: 'loan', event_time: t0, subject_id: subject, features: { zip_code: '10001', income: 1 } })])
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions'), (c) => c === 1, { what: 'the prediction stored' })
  } finally {
    await app.stop()
  }
}

const REFUSAL = 'DRIFTWATCH_PSEUDONYMIZATION_KEY: the key differs from the one that pseudonymized the subject ids and pii values stored in database'

describe('a pseudonymization key that differs from the one of the stored pseudonyms', () => {
  const k1 = withKey(testConfig({ kafka: false }), K1)
  const k2 = withKey(k1, K2)
  const dir = mkdtempSync(join(tmpdir(), 'dw-key-check-'))
  const others: RuntimeConfig[] = []

  beforeAll(async () => {
    await storePredictions(k1, 'applicant-42')
  }, 120_000)

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    for (const c of [k1, ...others]) await dropTestResources(c)
  })

  it('the first start records the fingerprint of its key, never the key', async () => {
    expect(await fingerprints(k1)).toEqual([keyFingerprint(K1)])
    expect(keyFingerprint(K1)).toMatch(/^[0-9a-f]{64}$/)
    expect(keyFingerprint(K1)).not.toContain(K1)
  })

  it('a start with another key is refused in one line naming DRIFTWATCH_PSEUDONYMIZATION_KEY and the way out, and stores nothing', async () => {
    const refused = await start(k2).then(
      async (app) => (await app.stop(), null),
      (e: unknown) => e,
    )
    expect(refused).toMatchObject({ code: 'DW_CONFIG_INVALID', message: expect.stringContaining(REFUSAL) })
    const message = (refused as Error).message
    expect(message).toContain('set DRIFTWATCH_PSEUDONYMIZATION_KEY (or DRIFTWATCH_PSEUDONYMIZATION_KEY_FILE) to the key that pseudonymized the stored rows, or use a new database (CLICKHOUSE_DATABASE) for the new key')
    expect(message).not.toContain(K1)
    expect(message).not.toContain(K2)
    expect(await fingerprints(k1)).toEqual([keyFingerprint(K1)])
    expect(await withStore(k1, (s) => count(s, 'SELECT count() AS c FROM {db}.predictions'))).toBe(1)
  })

  it('the key of the stored rows starts again', async () => {
    await (await start(k1)).stop()
    expect(await fingerprints(k1)).toEqual([keyFingerprint(K1)])
  })

  it('a fresh database starts with another key and records it', async () => {
    const fresh = withKey(testConfig({ kafka: false }), K2)
    others.push(fresh)
    await (await start(fresh)).stop()
    expect(await fingerprints(fresh)).toEqual([keyFingerprint(K2)])
  })

  it('recompute, erase and baseline with another key are refused before they write (one check, as at start)', async () => {
    const say = () => {}
    const from = new Date(t0 - HOUR).toISOString()
    const to = new Date(t0 + HOUR).toISOString()
    await expect(runRecompute(k2, { model: 'loan', from, to }, { out: say, err: say, file, logger: quiet })).rejects.toMatchObject({ code: 'DW_CONFIG_INVALID', message: expect.stringContaining(REFUSAL) })
    await expect(runErase(k2, { subject: 'applicant-42' }, { subjectKey: pseudonymizedSubjectKey(k2), out: say, err: say, file })).rejects.toMatchObject({ code: 'DW_CONFIG_INVALID', message: expect.stringContaining(REFUSAL) })
    writeFileSync(join(dir, 'train.csv'), 'income,label\n1,approve\n2,decline\n')
    const err: string[] = []
    expect(await runBaseline(k2, { model: 'loan', file: join(dir, 'train.csv') }, { out: say, err: (l) => err.push(l), file })).toBe(2)
    expect(err).toEqual([expect.stringContaining(`driftwatch: DW_CONFIG_INVALID: the configuration does not match what database ${k1.clickhouse.database} stores: ${REFUSAL}`)])
    expect(await withStore(k1, (s) => count(s, 'SELECT count() AS c FROM {db}.reference_profiles'))).toBe(0)
    expect(await withStore(k1, (s) => count(s, 'SELECT count() AS c FROM {db}.predictions'))).toBe(1)
  })

  it('a database from before the fingerprint records the key of its first start, and a later other key is refused', async () => {
    await withStore(k1, (s) => s.client.command({ query: `TRUNCATE TABLE ${s.database}.pseudonymization_key` }))
    await (await start(k1)).stop()
    expect(await fingerprints(k1)).toEqual([keyFingerprint(K1)])
    await expect(start(k2)).rejects.toMatchObject({ code: 'DW_CONFIG_INVALID', message: expect.stringContaining(REFUSAL) })
  })

  it('a database whose rows hold no pseudonym (no subject id, no pii) takes a new key and records it', async () => {
    const clear = withKey(testConfig({ kafka: false }), K1)
    others.push(clear)
    await storePredictions(clear, null)
    await (await start(withKey(clear, K2))).stop()
    expect(await fingerprints(clear)).toEqual([keyFingerprint(K1), keyFingerprint(K2)])
  })

  it('a database whose only pseudonyms are values of a pii feature refuses another key too', async () => {
    const pii = withKey(testConfig({ kafka: false }), K1)
    others.push(pii)
    const yaml = `${YAML}    pii: [zip_code]\n`
    await storePredictions(pii, null, yaml)
    await expect(start(withKey(pii, K2), { yaml })).rejects.toMatchObject({ code: 'DW_CONFIG_INVALID', message: expect.stringContaining(REFUSAL) })
    expect(await fingerprints(pii)).toEqual([keyFingerprint(K1)])
  })

  it('a start beside this one that records another key at the same time makes this one refuse, naming DRIFTWATCH_PSEUDONYMIZATION_KEY', async () => {
    const together = withKey(testConfig({ kafka: false }), K1)
    others.push(together)
    // The other start's record lands between this start's read of the recorded key and its own record.
    const beside = (settings: ClickHouseSettings): Store => {
      const store = openStore(settings)
      let raced = false
      const client = new Proxy(store.client, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown
          if (prop !== 'insert' || typeof value !== 'function') return value
          return async (params: { table: string }) => {
            if (!raced && params.table.endsWith('.pseudonymization_key')) {
              raced = true
              await target.insert({ table: params.table, values: [{ fingerprint: keyFingerprint(K2) }], format: 'JSONEachRow' })
            }
            return (value as (p: unknown) => unknown).call(target, params)
          }
        },
      }) as ClickHouseClient
      return { ...store, client }
    }
    await expect(start(together, { openStore: beside })).rejects.toMatchObject({
      code: 'DW_CONFIG_INVALID',
      message: expect.stringContaining(
        `DRIFTWATCH_PSEUDONYMIZATION_KEY: the key differs from the one another start recorded for database ${together.clickhouse.database} at the same time ` +
          `(fingerprint ${keyFingerprint(K2).slice(0, 12)}, this key's ${keyFingerprint(K1).slice(0, 12)}), and every instance on one database must pseudonymize with one key`,
      ),
    })
  })
})

describe('the embedded key file deleted and made again', () => {
  // The key file sits in the data directory, the one chDB directory of this test process.
  const embedded = withKey(testConfig({ kafka: false }), null)
  const keyFile = join(embedded.clickhouse.dataDir, 'pseudonymization.key')
  const before = existsSync(keyFile) ? readFileSync(keyFile) : null

  afterAll(async () => {
    if (before === null) rmSync(keyFile, { force: true })
    else writeFileSync(keyFile, before, { mode: 0o600 })
    await dropTestResources(embedded)
  })

  it('is refused, naming the key file, and the restored file starts again', async () => {
    await storePredictions(embedded, 'applicant-7')
    const original = readFileSync(keyFile)
    rmSync(keyFile)
    const refused = await start(embedded).then(
      async (app) => (await app.stop(), null),
      (e: unknown) => e,
    )
    expect(refused).toMatchObject({ code: 'DW_CONFIG_INVALID', message: expect.stringContaining(`DRIFTWATCH_PSEUDONYMIZATION_KEY: not set, so the key in ${keyFile} applies, and it differs from the one that pseudonymized`) })
    expect((refused as Error).message).toContain(`restore ${keyFile} (or set DRIFTWATCH_PSEUDONYMIZATION_KEY to the key that pseudonymized the stored rows), or use a new database (CLICKHOUSE_DATABASE) for the new key`)
    writeFileSync(keyFile, original, { mode: 0o600 })
    await (await start(embedded)).stop()
  })
})

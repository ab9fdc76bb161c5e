/**
 * A `pii` feature end to end, on real Kafka and ClickHouse: the baseline and the stream store the
 * same pseudonyms (so an unchanged distribution shows no drift), no raw value is stored anywhere,
 * and erasing a subject removes their pseudonymized values from every table that can hold them:
 * the predictions, the partial aggregates of their windows (all versions), the baseline profile's
 * categories and the drift rows' unseen categories.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { runBaseline } from '../src/cli/baseline.js'
import { pseudonymizedSubjectKey, runErase } from '../src/cli/erase.js'
import type { RuntimeConfig } from '../src/config/env.js'
import { loadFileConfig } from '../src/config/file.js'
import { loadProfile } from '../src/evaluate/profiles.js'
import { createLogger } from '../src/observability/logger.js'
import { createPseudonymizer } from '../src/store/pseudonymize.js'
import { dropTestResources, TEST_PSEUDONYMIZATION_KEY, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const DAY = 86_400_000
const day0 = Math.floor(Date.now() / DAY) * DAY - 5 * DAY
const EMAILS = Array.from({ length: 20 }, (_, i) => `user${i}@example.com`)
const pseudonym = createPseudonymizer(TEST_PSEUDONYMIZATION_KEY)

describe('a pii feature on every path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-privacy-'))
  const configFile = join(dir, 'driftwatch.yaml')
  writeFileSync(configFile, 'models:\n  - id: p\n    window: 1d\n    positiveClass: "1"\n    pii: [email]\n    reference: { baseline: latest }\n')
  const config: RuntimeConfig = { ...testConfig({ partitions: 2 }), configFile }
  let app: App
  // alice's address is in the baseline and in the stream; her second address only in the stream (an unseen category).
  const alice = ['user0@example.com', 'alice.new@example.com']

  beforeAll(async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `${EMAILS[i % 20]},${1000 + (i % 97)},${i % 2},0.${i % 10},${(i * 7) % 2}`)
    writeFileSync(join(dir, 'train.csv'), `email,income,prediction,score,label\n${rows.join('\n')}\n`)
    expect(await runBaseline(config, { model: 'p', file: join(dir, 'train.csv') }, { out: () => undefined })).toBe(0)
    app = await startApp(config, createLogger(config.logLevel), { file: loadFileConfig(configFile), evaluate: false })
    const events = Array.from({ length: 1000 }, (_, i) =>
      prediction({
        prediction_id: `p-${i}`, model_id: 'p', event_time: day0 + i * 60_000, subject_id: i < 10 ? 'alice' : `s-${i}`,
        features: { email: i < 10 ? alice[i % 2]! : EMAILS[i % 20]!, income: 1000 + (i % 97) },
        prediction: { class_label: String(i % 2), score: (i % 10) / 10, probabilities: null, value: null },
      }),
    )
    await app.publisher.publishPredictions(events)
    await waitFor(() => count(app.store, "SELECT count() AS c FROM {db}.predictions FINAL WHERE model_id = 'p'"), (c) => c === 1000, { what: 'predictions stored' })
    await app.evaluator.evaluateNow()
  })
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
    rmSync(dir, { recursive: true, force: true })
  })

  const textOf = async (table: string) => (await queryRows<{ t: string }>(app.store, `SELECT toString(tuple(*)) AS t FROM {db}.${table}`)).map((r) => r.t).join('\n')

  it('stores pseudonyms, never the raw values, in the baseline and the stream alike', async () => {
    const profile = (await loadProfile(app.store, 'p', 'latest'))!.profile as unknown as { features: Record<string, { kind: string; categories: Record<string, number> }> }
    expect(profile.features['email']!.kind).toBe('categorical')
    expect(Object.keys(profile.features['email']!.categories).sort()).toEqual(EMAILS.map(pseudonym).sort())
    for (const table of ['predictions', 'reference_profiles', 'partial_aggregates', 'drift']) expect(await textOf(table), table).not.toContain('@example.com')
    const [email] = await queryRows<{ drift_detected: number; unseen: string[] }>(app.store, "SELECT drift_detected, unseen_categories AS unseen FROM {db}.drift FINAL WHERE model_id = 'p' AND column = 'email'")
    // Same pseudonyms on both sides: only alice's new address is unseen.
    expect(email!.unseen).toEqual([pseudonym('alice.new@example.com')])
  })

  it("erasure removes the subject's pseudonymized values from every table that held them", async () => {
    const code = await runErase(config, { subject: 'alice' }, {
      subjectKey: pseudonymizedSubjectKey(config), out: () => undefined, err: () => undefined,
      openStore: () => ({ ...app.store, close: async () => undefined }),
    })
    expect(code).toBe(0)
    await app.evaluator.evaluateNow()
    // Her own address is gone from every table; the one she shares with others stays only where
    // their rows hold it (a baseline carries no subject ids, so its category is removed whole).
    for (const table of ['predictions', 'reference_profiles', 'partial_aggregates', 'drift']) expect(await textOf(table), table).not.toContain(pseudonym(alice[1]!))
    expect(await textOf('reference_profiles')).not.toContain(pseudonym(alice[0]!))
    expect(await textOf('predictions')).toContain(pseudonym(alice[0]!))
    // Everyone else's values stay, and the windows were evaluated again without alice.
    const profile = (await loadProfile(app.store, 'p', 'latest'))!.profile as unknown as { features: Record<string, { categories: Record<string, number> }> }
    expect(Object.keys(profile.features['email']!.categories)).toHaveLength(19)
    expect(await count(app.store, "SELECT sum(predictions) AS c FROM {db}.window_summary FINAL WHERE model_id = 'p'")).toBe(990)
  })
})

/**
 * `driftwatch alerts mute` refuses a rule or model nobody knows (a typo used to be stored as a
 * silence that muted nothing, exit 0), and accepts one only the store knows: a rule with stored
 * alerts (from another host's rule directory), a model accepted with unknownModels: accept.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storedSilences } from '../src/alerts/silences.js'
import { runAlertsMute } from '../src/cli/alerts.js'
import { loadRuntimeConfig } from '../src/config/env.js'
import type { DriftwatchError } from '../src/errors.js'
import { withDatabase } from '../src/store/query.js'
import { storeOnlyApp } from './support/store-app.js'

describe('alerts mute checks the rule and the model it names', () => {
  const ctx = storeOnlyApp()
  const dir = mkdtempSync(join(tmpdir(), 'dw-mute-'))
  const rulesDir = join(dir, 'rules')
  const config = loadRuntimeConfig({ DRIFTWATCH_ALERT_RULES: rulesDir, DRIFTWATCH_CONFIG: join(dir, 'driftwatch.yaml') })
  const out: string[] = []
  // The test's store, kept open across the commands (each command closes its store).
  const deps = { out: (l: string) => out.push(l), openStore: () => ({ ...ctx.app.store, close: async () => {} }) }
  const mute = async (o: { rule?: string; model?: string }) => {
    try {
      return await runAlertsMute(config, { ...o, for: '2h' }, deps)
    } catch (e) {
      return `${(e as DriftwatchError).code}: ${(e as Error).message}`
    }
  }

  beforeAll(async () => {
    mkdirSync(rulesDir)
    writeFileSync(
      join(rulesDir, 'drift.yaml'),
      "rules:\n  - name: feature-drift-psi\n    metric: drift\n    target: feature\n    statistic: psi\n    condition: { op: '>=', threshold: 0.2 }\n    channels: [slack]\n",
    )
    writeFileSync(join(dir, 'driftwatch.yaml'), 'models:\n  - id: loan-approval\n')
    const store = ctx.app.store
    await store.client.command({ query: withDatabase("INSERT INTO {db}.alerts (alert_key, rule, model_id, status) VALUES ('k1', 'legacy-rule', 'm', 'firing')", store.database) })
    await store.client.command({ query: withDatabase("INSERT INTO {db}.predictions (model_id, prediction_id) VALUES ('accepted-model', 'p1')", store.database) })
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('refuses a misspelt rule with exit 2, naming the closest known rules, and stores no silence', async () => {
    const before = (await storedSilences(ctx.app.store, Date.now())).length
    expect(await mute({ rule: 'feature-drfit-psi' })).toMatch(
      /^DW_CONFIG_INVALID: unknown rule "feature-drfit-psi": not in the alert rules of .*rules, and no stored alert came from it, so a silence would mute nothing; known rules \(2\): feature-drift-psi, legacy-rule; if `start` reads another rule directory, set DRIFTWATCH_ALERT_RULES to it here$/,
    )
    expect(await mute({ model: 'loan-aproval' })).toMatch(/^DW_CONFIG_INVALID: unknown model "loan-aproval": .*driftwatch\.yaml does not list it and no prediction, evaluated window or alert has it, so a silence would mute nothing; known models \(1\): loan-approval$/)
    expect(await mute({ rule: 'feature-drift-psi', model: 'nope' })).toMatch(/unknown model "nope"/)
    expect((await storedSilences(ctx.app.store, Date.now())).length).toBe(before)
  })

  it('mutes a rule of the rule directory, a configured model, and those only the store knows', async () => {
    expect(await mute({ rule: 'feature-drift-psi' })).toBe(0)
    expect(await mute({ model: 'loan-approval' })).toBe(0)
    expect(await mute({ rule: 'legacy-rule' })).toBe(0)
    expect(await mute({ rule: 'feature-drift-psi', model: 'accepted-model' })).toBe(0)
    expect(out.at(-1)).toMatch(/^muted rule feature-drift-psi of model accepted-model until /)
    const silences = await storedSilences(ctx.app.store, Date.now())
    expect(silences.map((s) => `${s.rule}/${s.modelId}`).sort()).toEqual(['/loan-approval', 'feature-drift-psi/', 'feature-drift-psi/accepted-model', 'legacy-rule/'])
  })
})

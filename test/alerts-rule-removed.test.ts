/**
 * An alert whose rule is no longer in the rule files: `feature-drift-psi` fires for m1 v1 x and
 * is notified to Slack; `driftwatch start` restarts on a rule directory where the rule is renamed
 * (a removal plus an addition) and more windows come in. The alerts leader's pass resolves the old
 * key with the reason "rule removed" (stored as a transition like any resolve, one info line for
 * the rule), notifies the resolve to Slack since its firing was, and the renamed rule fires on
 * its own key. `alerts list`, the read API's alerts and `driftwatch status` stop counting it as
 * firing. The alert service is the one startApp builds (rules from DRIFTWATCH_ALERT_RULES).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { runAlertsList } from '../src/cli/alerts.js'
import { collectStatus } from '../src/cli/status.js'
import { DEFAULT_FILE_CONFIG } from '../src/config/file.js'
import type { RuntimeConfig } from '../src/config/env.js'
import { createReadQueries } from '../src/read/index.js'
import { channelEnvFor, insertDrift } from './support/alerts.js'
import { blockKitProblems } from './support/block-kit.js'
import { dropTestResources, testConfig, uniqueName } from './support/config.js'
import { slackReceiver } from './support/http-receiver.js'
import { queryRows } from './support/query.js'

const DAY = 86_400_000
const day0 = Math.floor(Date.now() / DAY) - 3
const rule = (name: string) =>
  `rules:\n  - name: ${name}\n    metric: drift\n    statistic: psi\n    condition: { op: '>=', threshold: 0.2 }\n    severity: warning\n    channels: [slack]\n`

describe('an alert whose rule was removed from the rule files', () => {
  const before = mkdtempSync(join(tmpdir(), 'dw-rules-before-'))
  const after = mkdtempSync(join(tmpdir(), 'dw-rules-after-'))
  writeFileSync(join(before, 'drift.yaml'), rule('feature-drift-psi'))
  writeFileSync(join(after, 'drift.yaml'), rule('feature-drift-psi-renamed'))
  const slack = slackReceiver()
  const database = uniqueName('removed')
  const logs: Record<string, unknown>[] = []
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) })
  let app: App | null = null
  const configFor = (rulesDir: string): RuntimeConfig => testConfig({ kafka: false, env: { ...channelEnvFor({ slack }), CLICKHOUSE_DATABASE: database, DRIFTWATCH_ALERT_RULES: rulesDir } })
  const start = async (rulesDir: string) => {
    const config = configFor(rulesDir)
    // Embedded, with no evaluator loop: the alert rules run only when the test asks.
    app = await startApp(config, logger, { file: DEFAULT_FILE_CONFIG, evaluate: false, alerts: true })
    return { app, config }
  }
  const pass = async (a: App) => {
    const report = await a.alerts!.evaluateNow()
    await a.alerts!.dispatchNow()
    return report
  }
  const slackTexts = () => slack.accepted.map((r) => (r.body as { text: string }).text)

  beforeAll(async () => {
    await slack.up()
  })
  afterAll(async () => {
    await app?.stop()
    await slack.down()
    await dropTestResources(configFor(after))
    rmSync(before, { recursive: true, force: true })
    rmSync(after, { recursive: true, force: true })
  })

  it('is resolved with the reason "rule removed" once the leader restarts without the rule', async () => {
    const first = await start(before)
    await insertDrift(first.app.store, { model: 'm1', day: day0, psi: { x: 0.5, y: 0.01 } })
    expect(await pass(first.app)).toEqual({ transitions: 1, notifications: 1, skipped: 0, held: 0 })
    expect(slackTexts()).toEqual([expect.stringMatching(/^FIRING warning: m1 v1: feature drift psi &gt;= 0\.2 \(1 feature\)/)])
    await first.app.stop()
    app = null

    const second = await start(after)
    logs.length = 0
    await insertDrift(second.app.store, { model: 'm1', day: day0 + 1, psi: { x: 0.5, y: 0.01 } })
    await insertDrift(second.app.store, { model: 'm1', day: day0 + 2, psi: { x: 0.5, y: 0.01 } })
    // The old key resolves (rule removed) and the renamed rule fires on its own key: two notifications.
    expect(await pass(second.app)).toEqual({ transitions: 2, notifications: 2, skipped: 0, held: 0 })

    const history = await queryRows<{ rule: string; status: string; seq: number; details: string }>(
      second.app.store, 'SELECT rule, status, seq, details FROM {db}.alerts ORDER BY rule, seq')
    expect(history.map((h) => [h.rule, h.status, h.seq])).toEqual([
      ['feature-drift-psi', 'firing', 1],
      ['feature-drift-psi', 'resolved', 2],
      ['feature-drift-psi-renamed', 'firing', 1],
    ])
    expect(JSON.parse(history[1]!.details)).toMatchObject({ reason: 'rule removed' })
    expect(logs.filter((l) => l['msg'] === 'alerts of a rule that is no longer loaded resolved: rule removed')).toEqual([
      expect.objectContaining({ level: 30, rule: 'feature-drift-psi', alerts: 1 }),
    ])

    // The resolve went where its firing went, saying why.
    const resolved = slack.accepted.filter((r) => (r.body as { text: string }).text.startsWith('RESOLVED'))
    expect(resolved).toHaveLength(1)
    expect(blockKitProblems(resolved[0]!.body)).toEqual([])
    const text = JSON.stringify(resolved[0]!.body)
    expect(text).toContain('feature-drift-psi')
    expect(text).toContain('rule removed')
    expect(text).not.toContain('no longer holds')
    expect(slackTexts().filter((t) => t.startsWith('FIRING'))).toHaveLength(2)

    const read = createReadQueries({ store: second.app.store, file: DEFAULT_FILE_CONFIG, now: Date.now })
    const firing = await read.alerts({ status: 'firing' })
    expect(firing.items.map((a) => a.rule)).toEqual(['feature-drift-psi-renamed'])
    const all = await read.alerts({ status: 'all' })
    const old = all.items.find((a) => a.rule === 'feature-drift-psi')!
    expect(old).toMatchObject({ status: 'resolved', model: 'm1', model_version: 'v1', subject: 'x' })
    expect(old.resolved_at).not.toBeNull()
    expect(old.details).toEqual([expect.stringMatching(/^rule removed/)])
    const status = await collectStatus(read, { windows: 3 })
    expect(status.alerts.map((a) => a.rule)).toEqual(['feature-drift-psi-renamed'])

    const lines: string[] = []
    await runAlertsList(second.config, {}, { out: (l) => void lines.push(l) })
    expect(lines.join('\n')).not.toMatch(/feature-drift-psi\s/)
    lines.length = 0
    await runAlertsList(second.config, { all: true }, { out: (l) => void lines.push(l) })
    expect(lines.join('\n')).toMatch(/resolved\s+warning\s+feature-drift-psi\s+m1\s+v1\s+x\s.*slack sent/)
  })

  it('does nothing more on later passes: the key stays resolved and nothing is sent again', async () => {
    const sent = slack.accepted.length
    await insertDrift(app!.store, { model: 'm1', day: day0 + 3, psi: { x: 0.5, y: 0.01 } })
    expect(await pass(app!)).toEqual({ transitions: 0, notifications: 0, skipped: 0, held: 0 })
    expect(slack.accepted).toHaveLength(sent)
  })
})

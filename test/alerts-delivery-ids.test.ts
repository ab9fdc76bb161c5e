/**
 * Two deployments (two databases: staging and production, two tenants) with the same rule, model
 * and window history share one mailbox and one Grafana. Their outbox keys are equal (transition ids
 * restart at 1 in every database), but what the receivers compare is not: each email has its own
 * Message-ID (a mail store that drops a repeated Message-ID would drop the second deployment's
 * alert), and each annotation its own driftwatch-id tag, so an in-doubt re-send of one deployment
 * does not find the other's annotation and skip its own post. The same notification re-sent by a
 * restarted process of one deployment keeps its ids: the email its Message-ID, and Grafana finds
 * the annotation it posted before.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordStatus, rowsForTransitions } from '../src/alerts/outbox.js'
import { startApp, type App } from '../src/app.js'
import { DEFAULT_FILE_CONFIG } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import type { Store } from '../src/store/clickhouse.js'
import { channelEnvFor, insertDrift } from './support/alerts.js'
import { dropTestResources, testConfig } from './support/config.js'
import { grafanaReceiver } from './support/http-receiver.js'
import { queryRows } from './support/query.js'
import { startSmtpReceiver, type SmtpReceiver } from './support/smtp-receiver.js'

const DAY = 86_400_000
const RULES = `rules:\n  - name: psi\n    metric: drift\n    statistic: psi\n    condition: { op: '>=', threshold: 0.2 }\n    channels: [email, grafana]\n`

describe('notification ids across deployments and restarts', () => {
  const rulesDir = mkdtempSync(join(tmpdir(), 'driftwatch-rules-'))
  const grafana = grafanaReceiver()
  let smtp: SmtpReceiver
  const configs: ReturnType<typeof testConfig>[] = []
  const apps: App[] = []
  const day = Math.floor(Date.now() / DAY) - 2

  /** How far the processes' clock is moved on, to let a deferral pass without waiting for it. */
  let clockOnMs = 0
  /** A process of one deployment: the app with its alert service, no evaluator loop. */
  const start = async (config: ReturnType<typeof testConfig>) => {
    const app = await startApp(config, createLogger(config.logLevel), { file: DEFAULT_FILE_CONFIG, now: () => Date.now() + clockOnMs, evaluate: false, alerts: true })
    apps.push(app)
    return app
  }
  const stop = async (app: App) => {
    apps.splice(apps.indexOf(app), 1)
    await app.stop()
  }
  const keys = (store: Store) => queryRows<{ channel: string; key: string }>(store, 'SELECT channel, idempotency_key AS key FROM {db}.alert_outbox FINAL ORDER BY channel')
  const idTag = (tags: readonly string[]) => tags.find((t) => t.startsWith('driftwatch-id:'))
  /**
   * As if the process died after sending: the rows' newest record says 'sending'. `app` sees them
   * (and defers them: another process may still be sending them), then its clock moves past the
   * deferral, so its next dispatch re-sends them in doubt.
   */
  const crashAfterSending = async (app: App, channels: readonly string[]) => {
    const ids = (await queryRows<{ t: string }>(app.store, 'SELECT transition_id AS t FROM {db}.alerts')).map((r) => r.t)
    for (const row of await rowsForTransitions(app.store, ids)) {
      if (channels.includes(row.channel)) await recordStatus(app.store, { ...row, status: 'sending', updatedMs: Date.now() - 120_000, version: row.version + 1 })
    }
    await app.alerts!.dispatchNow()
    clockOnMs += 120_000
  }

  beforeAll(async () => {
    await grafana.up()
    smtp = await startSmtpReceiver()
    writeFileSync(join(rulesDir, 'rules.yaml'), RULES)
    for (let i = 0; i < 2; i++) configs.push(testConfig({ kafka: false, env: { ...channelEnvFor({ grafana, smtp }), DRIFTWATCH_ALERT_RULES: rulesDir } }))
  })
  afterAll(async () => {
    for (const app of apps) await app.stop()
    await Promise.all([grafana.down(), smtp?.close()])
    for (const config of configs) await dropTestResources(config)
    rmSync(rulesDir, { recursive: true, force: true })
  })

  it('two databases with the same history send under different ids; a restarted process re-sends under the same ones', async () => {
    const [configA, configB] = configs as [ReturnType<typeof testConfig>, ReturnType<typeof testConfig>]
    // The same history in both databases: one model, one drifted feature, one window.
    const outboxKeys: { channel: string; key: string }[][] = []
    for (const config of [configA, configB]) {
      const app = await start(config)
      await insertDrift(app.store, { day, psi: { income: 0.5 } })
      expect(await app.alerts!.evaluateNow()).toMatchObject({ transitions: 1, notifications: 1 })
      await app.alerts!.dispatchNow()
      outboxKeys.push(await keys(app.store))
      await stop(app)
    }
    expect(outboxKeys[0]).toEqual(outboxKeys[1])
    expect(smtp.mails).toHaveLength(2)
    const [mailA, mailB] = smtp.mails as [(typeof smtp.mails)[number], (typeof smtp.mails)[number]]
    expect(mailA.messageId).toMatch(/^<[0-9a-f]{32}@driftwatch>$/)
    expect(mailB.messageId).not.toBe(mailA.messageId)
    expect(grafana.annotations).toHaveLength(2)
    const [tagA, tagB] = grafana.annotations.map((a) => idTag(a.tags))
    expect(tagA).toMatch(/^driftwatch-id:[0-9a-f]{32}$/)
    expect(tagB).not.toBe(tagA)
    // The id a receiver sees is the one the message text names too.
    expect(mailA.text).toContain(`notification ${mailA.messageId!.slice(1, 33)}`)

    // A restarted process of deployment A re-sends in doubt: the same Message-ID, and Grafana finds its own annotation.
    const a2 = await start(configA)
    await crashAfterSending(a2, ['email', 'grafana'])
    await a2.alerts!.dispatchNow()
    expect(smtp.mails).toHaveLength(3)
    expect(smtp.mails[2]!.messageId).toBe(mailA.messageId)
    expect(grafana.annotations).toHaveLength(2)
    expect(grafana.requests.at(-1)!.method).toBe('GET')
    await stop(a2)

    // B's annotation never arrived (the post was lost in flight): its in-doubt re-send must not take A's for its own.
    grafana.annotations.splice(grafana.annotations.findIndex((a) => idTag(a.tags) === tagB), 1)
    const b2 = await start(configB)
    await crashAfterSending(b2, ['grafana'])
    await b2.alerts!.dispatchNow()
    expect(grafana.annotations.map((a) => idTag(a.tags))).toEqual([tagA, tagB])
    expect((await queryRows<{ status: string }>(b2.store, 'SELECT status FROM {db}.alert_outbox FINAL')).map((r) => r.status)).toEqual(['sent', 'sent'])
    await stop(b2)
  }, 120_000)
})

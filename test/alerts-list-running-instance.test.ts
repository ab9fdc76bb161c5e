/**
 * `driftwatch alerts list` as a user runs it, in real processes on one embedded data directory,
 * as `driftwatch status` is tested (status-cli.test.ts): while `driftwatch start` holds the chDB
 * directory, the list comes from its read API (with the read token from DRIFTWATCH_API_TOKENS)
 * and says so; after start stops, the command opens the directory itself and shows the same
 * alerts, deliveries and silences.
 */
import { writeFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AlertListItem } from '../src/alerts/list.js'
import type { Silence } from '../src/alerts/silences.js'
import { readInstanceFile } from '../src/cli/instance-file.js'
import { API_TOKENS, ingest, instanceDirectory, runCli, type CliRun, type StartedInstance } from './support/running-instance.js'
import { waitFor } from './support/wait.js'

const DAY = 86_400_000
const day0 = Math.floor(Date.now() / DAY) * DAY - 5 * DAY

interface ListJson {
  source: { kind: 'api'; url: string } | { kind: 'store'; location: string }
  alerts: AlertListItem[]
  silences: Silence[]
}

/** 3 days x 120 predictions of model m; feature x moves far on day 2, so the bundled feature-drift-psi rule fires. */
function predictions() {
  const out = []
  for (let d = 0; d < 3; d++) {
    for (let i = 0; i < 120; i++) {
      out.push({
        prediction_id: `a-${d}-${i}`, model_id: 'm', model_version: 'v1', event_time: day0 + d * DAY + i * 60_000,
        features: { x: (i % 40) + (d === 2 ? 25 : 0) }, prediction: { score: ((i * 37) % 100) / 100 },
      })
    }
  }
  return out
}

describe('driftwatch alerts list, with and without a running driftwatch start', () => {
  const dir = instanceDirectory('dw-alerts-list-', 'alerts_list_test')
  const { dataDir, configFile, base } = dir
  const json = (r: CliRun): ListJson => {
    expect(r.code, r.stderr).toBe(0)
    return JSON.parse(r.stdout) as ListJson
  }
  let start: StartedInstance
  let viaApi: ListJson
  let historyViaApi: ListJson

  beforeAll(async () => {
    writeFileSync(configFile, 'models:\n  - id: m\n    window: 1d\n    reference: { previousWindows: 1 }\nevaluation:\n  interval: 500\n')
    // A silence made before start, with the store opened directly: the list shows it either way.
    const mute = await runCli(['alerts', 'mute', '--rule', 'f1-drop', '--for', '2h', '--reason', 'retraining'], base)
    expect(mute.code, mute.stderr).toBe(0)
    start = dir.start()
    const instance = await start.ready()
    const traffic = predictions()
    expect(await ingest(instance, '/v1/predictions', traffic)).toMatchObject({ accepted: traffic.length, rejected: 0 })
  }, 120_000)

  it('while start runs: asks its API, and lists the firing drift alert with its deliveries and the silence', async () => {
    // Settled: the alert fired and its deliveries recorded, the same answer twice in a row.
    let previous = ''
    const settled = (l: ListJson) => {
      const same = JSON.stringify(l) === previous
      previous = JSON.stringify(l)
      return same && l.alerts.some((a) => a.transition.rule === 'feature-drift-psi' && a.transition.subject === 'x' && a.deliveries.length > 0)
    }
    viaApi = await waitFor(async () => json(await runCli(['alerts', 'list', '--format', 'json'], { ...base, DRIFTWATCH_API_TOKENS: API_TOKENS })), settled, {
      timeoutMs: 90_000, intervalMs: 1000, what: 'the firing feature-drift-psi alert of x with its deliveries',
    })
    expect(viaApi.source).toEqual({ kind: 'api', url: readInstanceFile(dataDir)!.url })
    const x = viaApi.alerts.find((a) => a.transition.rule === 'feature-drift-psi' && a.transition.subject === 'x')!
    expect(x.transition).toMatchObject({ status: 'firing', modelId: 'm', modelVersion: 'v1', windowStartMs: day0 + 2 * DAY })
    expect(viaApi.silences).toEqual([expect.objectContaining({ rule: 'f1-drop', modelId: '', reason: 'retraining', source: 'cli' })])
    historyViaApi = json(await runCli(['alerts', 'list', '--history', '30d', '--rule', 'feature-drift-psi', '--format', 'json'], { ...base, DRIFTWATCH_API_TOKENS: API_TOKENS }))
    expect(historyViaApi.alerts.length).toBeGreaterThan(0)
    expect(historyViaApi.alerts.every((a) => a.transition.rule === 'feature-drift-psi')).toBe(true)

    const text = await runCli(['alerts', 'list'], { ...base, DRIFTWATCH_API_TOKENS: API_TOKENS })
    expect(text.code, text.stderr).toBe(0)
    const lines = text.stdout.split('\n')
    expect(lines[0]).toBe(`read from the running driftwatch start (pid ${readInstanceFile(dataDir)!.pid}) at ${readInstanceFile(dataDir)!.url}, which holds the data directory`)
    expect(lines[1]).toMatch(/^STATUS +SEVERITY +RULE +MODEL /)
    expect(text.stdout).toMatch(/\nfiring +warning +feature-drift-psi +m +v1 +x /)
    expect(text.stdout).toMatch(/\nSILENCE +RULE +MODEL +FROM +UNTIL +BY +REASON\n\S+ +f1-drop +\* .* retraining\n/)
  }, 120_000)

  it('while start runs: a user without a read token gets one actionable line, exit 1', async () => {
    const r = await runCli(['alerts', 'list'], base)
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^driftwatch: DW_UNAUTHORIZED: driftwatch start \(pid \d+\) holds the data directory .*DRIFTWATCH_API_TOKENS/)
  })

  it('after start stops: opens the data directory itself and lists the same alerts, deliveries and silences', async () => {
    start.child.kill('SIGTERM')
    expect(await start.exited).toBe(0)
    expect(readInstanceFile(dataDir)).toBeNull()
    const direct = json(await runCli(['alerts', 'list', '--format', 'json'], base))
    expect(direct.source.kind).toBe('store')
    expect({ alerts: direct.alerts, silences: direct.silences }).toEqual({ alerts: viaApi.alerts, silences: viaApi.silences })
    const history = json(await runCli(['alerts', 'list', '--history', '30d', '--rule', 'feature-drift-psi', '--format', 'json'], base))
    expect(history.alerts).toEqual(historyViaApi.alerts)
    const text = await runCli(['alerts', 'list'], base)
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout.split('\n')[0]).toMatch(/^STATUS +SEVERITY +RULE +MODEL /)
  }, 60_000)
})

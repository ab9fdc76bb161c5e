/**
 * `driftwatch status` as a user runs it, in real processes on one embedded data directory:
 * while `driftwatch start` holds the chDB directory, status asks its read API (with the read
 * token from DRIFTWATCH_API_TOKENS); after start stops, status opens the directory itself. Both
 * show the same figures, and those are the figures of the events sent.
 */
import { writeFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { instanceFilePath, readInstanceFile } from '../src/cli/instance-file.js'
import type { StatusView } from '../src/cli/status-format.js'
import { API_TOKENS, ingest, instanceDirectory, runCli, type StartedInstance } from './support/running-instance.js'
import { waitFor } from './support/wait.js'

const DAY = 86_400_000
const day0 = Math.floor(Date.now() / DAY) * DAY - 5 * DAY

/** 3 days x 120 predictions; x moves on day 2, a category appears; half of them labeled. */
function events() {
  const predictions = []
  const labels = []
  for (let d = 0; d < 3; d++) {
    for (let i = 0; i < 120; i++) {
      const id = `s-${d}-${i}`
      const score = ((i * 37) % 100) / 100
      predictions.push({
        prediction_id: id, model_id: 'm', model_version: 'v1', event_time: day0 + d * DAY + i * 60_000,
        features: { x: (i % 40) + (d === 2 ? 25 : 0), c: d === 2 && i % 3 === 0 ? 'new' : ['a', 'b'][i % 2]! },
        prediction: { score, class_label: score >= 0.5 ? '1' : '0' }, segments: { g: i % 2 ? 'p' : 'q' },
      })
      if (i % 2 === 0) labels.push({ prediction_id: id, label: { class_label: (i * 7) % 10 < 6 ? '1' : '0' }, label_time: day0 + d * DAY + i * 60_000 + 1000 })
    }
  }
  return { predictions, labels }
}

describe('driftwatch status, with and without a running driftwatch start', () => {
  const dir = instanceDirectory('dw-status-', 'status_test')
  const { dataDir, configFile, base } = dir
  const traffic = events()
  let start: StartedInstance
  let viaApi: StatusView

  beforeAll(async () => {
    writeFileSync(configFile, 'models:\n  - id: m\n    window: 1d\n    protected: [g]\n    reference: { previousWindows: 1 }\nevaluation:\n  interval: 500\n')
    start = dir.start()
    const instance = await start.ready()
    for (const [path, body] of [['/v1/predictions', traffic.predictions], ['/v1/labels', traffic.labels]] as const) {
      expect(await ingest(instance, path, body)).toMatchObject({ accepted: body.length, rejected: 0 })
    }
  }, 120_000)

  it('while start runs: asks its API, and shows the windows of the events sent', async () => {
    // Settled: every window evaluated with its labels, and the same answer twice in a row (the
    // alert rules run after each evaluation pass).
    let previous = ''
    // Figures only: the view's dead-letter span moves with the clock on every call.
    const settled = (v: StatusView) => {
      const figures = JSON.stringify({ models: v.models, alerts: v.alerts })
      const same = figures === previous
      previous = figures
      return same && v.models[0]?.windows.length === 3 && v.models[0].windows.every((w) => w.labeled === 60)
    }
    viaApi = await waitFor(async () => {
      const r = await runCli(['status', '--json', '--windows', '10'], { ...base, DRIFTWATCH_API_TOKENS: API_TOKENS })
      expect(r.code, r.stderr).toBe(0)
      return JSON.parse(r.stdout) as StatusView
    }, settled, { timeoutMs: 90_000, intervalMs: 1000, what: 'three evaluated, labeled windows' })
    expect(viaApi.source).toMatchObject({ kind: 'api', url: readInstanceFile(dataDir)!.url })
    const windows = viaApi.models[0]!.windows
    expect(windows.map((w) => [w.window_start, w.predictions, w.labeled])).toEqual([2, 1, 0].map((d) => [new Date(day0 + d * DAY).toISOString(), 120, 60]))
    expect(windows[0]!.drifted_features).toContain('x')
    expect(windows[0]!.performance).toMatchObject({ metric: 'roc_auc', variant: 'all', n: 60 })
  }, 120_000)

  it('while start runs: a user without a read token gets one actionable line, exit 1', async () => {
    const r = await runCli(['status'], base)
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^driftwatch: DW_UNAUTHORIZED: driftwatch start \(pid \d+\) holds the data directory .*DRIFTWATCH_API_TOKENS/)
  })

  it('after start stops: opens the data directory itself and shows the same figures', async () => {
    start.child.kill('SIGTERM')
    expect(await start.exited).toBe(0)
    expect(readInstanceFile(dataDir)).toBeNull()
    const r = await runCli(['status', '--json', '--windows', '10'], base)
    expect(r.code, r.stderr).toBe(0)
    const direct = JSON.parse(r.stdout) as StatusView
    expect(direct.source.kind).toBe('store')
    expect({ models: direct.models, alerts: direct.alerts }).toEqual({ models: viaApi.models, alerts: viaApi.alerts })
  }, 60_000)

  it('prints a table, and refuses an unknown model with exit 1', async () => {
    const r = await runCli(['status', '--model', 'm'], base)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('m  binary, window 1 d, reference: previous 1 window(s) of the same version; versions v1')
    expect(r.stdout).toMatch(/VERSION +WINDOW +PREDICTIONS +LABELED +DRIFT SHARE/)
    expect(r.stdout).toContain(`v1       ${new Date(day0 + 2 * DAY).toISOString().slice(0, 10)} (UTC day) `)
    const unknown = await runCli(['status', '--model', 'nope'], base)
    expect([unknown.code, unknown.stderr.trim()]).toEqual([1, 'driftwatch: DW_NOT_FOUND: no model "nope": it is not in driftwatch.yaml and has no evaluated windows'])
    expect(instanceFilePath(dataDir)).toContain(dataDir)
  }, 60_000)

  it('without the config file (only the database named, as after the demo): the window size and reference of the stored windows', async () => {
    const { DRIFTWATCH_CONFIG: _, ...withoutConfig } = base
    const r = await runCli(['status', '--json'], withoutConfig)
    expect(r.code, r.stderr).toBe(0)
    const m = (JSON.parse(r.stdout) as StatusView).models[0]!.summary
    expect(m).toMatchObject({ model: 'm', configured: false, window_ms: DAY, reference: { kind: 'previous_windows' } })
    // What the evaluator stored: the previous window of the same version.
    expect(m.reference.description).toBe(`version v1 ${new Date(day0 + DAY).toISOString()}..${new Date(day0 + 2 * DAY).toISOString()}`)
    const text = await runCli(['status'], withoutConfig)
    expect(text.stdout).toContain('m  binary, window 1 d, reference: version v1 ')
  }, 60_000)
})

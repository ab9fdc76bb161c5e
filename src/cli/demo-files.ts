/**
 * The files the demo leaves for the user, under <DRIFTWATCH_DATA_DIR>/demo/ (never the working
 * directory, where a driftwatch.yaml of the user's own may live):
 *   driftwatch.yaml  the demo model's monitoring settings, so `recompute` and `start` use them;
 *   reference.csv, current.csv, report.yaml  the champion's labeled predictions of the reference
 *                    week and of the drifted days, as files `driftwatch report` reads;
 *   report.html      their HTML report (`driftwatch report --format html`).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LoanDemoData, LoanDemoOptions } from '../demo/loan-model.js'
import { nodeIo, runReport } from './report.js'

const DAY_MS = 86_400_000
const FEATURES = ['income', 'debt_ratio', 'credit_score', 'employment', 'loan_amount'] as const

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v)
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

export interface DemoFiles {
  readonly dir: string
  readonly config: string
  readonly report: string
}

export async function writeDemoFiles(dataDir: string, modelYaml: string, o: LoanDemoOptions, data: LoanDemoData): Promise<DemoFiles> {
  const dir = join(dataDir, 'demo')
  mkdirSync(dir, { recursive: true })
  const config = join(dir, 'driftwatch.yaml')
  writeFileSync(config, modelYaml)
  const labels = new Map(data.labels.map((l) => [l.prediction_id, l.label.class_label]))
  const header = [...FEATURES, 'group', 'label', 'prediction', 'score']
  const rows = (fromDay: number, toDay: number) => {
    const lines = data.predictions
      .filter((p) => p.model_version === 'v1' && labels.has(p.prediction_id))
      .filter((p) => p.event_time >= o.startMs + fromDay * DAY_MS && p.event_time < o.startMs + toDay * DAY_MS)
      .map((p) => [...FEATURES.map((f) => p.features[f]), p.segments['group'], labels.get(p.prediction_id), p.prediction.class_label, p.prediction.score].map(csvCell).join(','))
    return `${header.join(',')}\n${lines.join('\n')}\n`
  }
  const reference = join(dir, 'reference.csv')
  const current = join(dir, 'current.csv')
  const model = join(dir, 'report.yaml')
  writeFileSync(reference, rows(0, o.referenceDays))
  writeFileSync(current, rows(o.driftDay, o.days))
  writeFileSync(model, 'task: binary\npositiveClass: approve\nprotected: [group]\n')
  const report = join(dir, 'report.html')
  // Read in memory, not with chDB: this process already holds the demo's chDB data directory, and
  // chDB opens one directory per process (the files are small).
  const { openFiles: _engine, ...inMemory } = nodeIo
  const code = await runReport({ reference, current, config: model, format: 'html', output: report }, inMemory)
  if (code !== 0) throw new Error(`the demo's report failed with exit code ${code}`)
  return { dir, config, report }
}

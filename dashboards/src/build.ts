/**
 * The dashboards, and the script that writes them to dashboards/json (what Grafana provisions):
 *   npx tsx dashboards/src/build.ts
 * test/dashboards.test.ts checks that the committed JSON is exactly what this produces, and runs
 * every query of it against real pipeline data.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { dataQuality } from './data-quality.js'
import { fairness } from './fairness.js'
import { featureDrift } from './feature-drift.js'
import type { Obj } from './grafana.js'
import { modelOverview } from './model-overview.js'
import { performance } from './performance.js'
import { pipelineHealth } from './pipeline-health.js'

export const DASHBOARD_FILES: Readonly<Record<string, Obj>> = {
  'model-overview.json': modelOverview,
  'feature-drift.json': featureDrift,
  'performance.json': performance,
  'fairness.json': fairness,
  'data-quality.json': dataQuality,
  'pipeline-health.json': pipelineHealth,
}

export const JSON_DIR = join(import.meta.dirname, '..', 'json')

export const render = (d: Obj) => `${JSON.stringify(d, null, 2)}\n`

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [file, d] of Object.entries(DASHBOARD_FILES)) {
    writeFileSync(join(JSON_DIR, file), render(d))
    process.stdout.write(`wrote dashboards/json/${file}\n`)
  }
}

/** Models overview: one row per model, its latest window's health at a glance. */
import { getAll } from '../api.js'
import type { ModelSummary } from '../api-types.js'
import { percent, windowLabel } from '../../figures.js'
import { badge, fmt, h, nameText, openBadge, scroller, td } from '../dom.js'
import { driftHealth, fairnessHealth, qualityHealth, type Health } from '../health.js'
import { modelHref } from '../routes.js'
import { pipelineNotice } from './pipeline.js'

const healthBadge = (x: Health) => badge(x.text, x.level)

/** Which version the row's figures are of. */
export const versionNote = (version: string): string => `, version ${version}`

export function healthCells(m: ModelSummary): (Node | string)[] {
  const w = m.latest
  if (!w) return ['no window yet', '-', '-', '-', '-', '-']
  const drift = healthBadge(driftHealth(w))
  const p = w.performance
  const perf = p ? `${p.metric} ${fmt(p.realized)} / est. ${fmt(p.estimated)}` : '-'
  const fairness = w.fairness ? healthBadge(fairnessHealth(w.fairness)) : '-'
  return [
    // An open window's figures can still change: marked next to the window they are of. The row's
    // figures are one version's (the newest window's version with most predictions,
    // src/read/models.ts): named, since the model's other versions may differ.
    h('span', { class: 'window' }, windowLabel(w.window_start, w.window_end), versionNote(w.model_version), ' ', openBadge(w.closed)),
    `${w.predictions} (${percent(w.label_coverage)} labeled)`,
    drift,
    perf,
    fairness,
    healthBadge(qualityHealth(w)),
  ]
}

/** The row's figures as the API gave them, in a data attribute (what the cells show, unrounded). */
export function rowFigures(m: ModelSummary): Record<string, unknown> {
  const w = m.latest
  return {
    window_start: w?.window_start ?? null, predictions: w?.predictions ?? null, label_coverage: w?.label_coverage ?? null,
    drift_share: w?.drift_share ?? null, n_drifted: w?.n_drifted ?? null, realized: w?.performance?.realized ?? null,
    estimated: w?.performance?.estimated ?? null, fairness: w?.fairness?.value ?? null, quality_problems: w?.quality_problems ?? null,
    firing_alerts: m.firing_alerts,
  }
}

export async function overviewPage(): Promise<HTMLElement> {
  const models = await getAll<ModelSummary>('/v1/models')
  const rows = models.map((m) => {
    const cells = [
      h('a', { href: modelHref(m.model) }, nameText(m.model)),
      `${m.task}, ${m.versions.map((v) => v.version).join(', ') || '-'}`,
      ...healthCells(m),
      badge(String(m.firing_alerts), m.firing_alerts > 0 ? 'bad' : 'ok'),
    ]
    return h('tr', { 'data-model': m.model, 'data-figures': JSON.stringify(rowFigures(m)) }, ...cells.map((c, i) => td(c, i === 1)))
  })
  // Whether records arrived but were all dead-lettered, and the dead letters of the last day.
  const pipeline = await pipelineNotice(models.length)
  return h(
    'section',
    { 'data-page': 'overview' },
    h('h1', {}, 'Models'),
    models.length === 0
      ? pipeline.empty
      : scroller(h('table', { id: 'models' },
        h('thead', {}, h('tr', {}, ...['model', 'task, versions', 'latest window (of one version)', 'predictions', 'drift share', 'performance (realized / CBPE)', 'worst fairness ratio (of that version)', 'quality problems', 'firing alerts'].map((x) => h('th', {}, x)))),
        h('tbody', {}, ...rows))),
    pipeline.line,
  )
}

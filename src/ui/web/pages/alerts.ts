/** Alerts page: firing alerts and those resolved in the last 7 days (the API's default). */
import { getAll } from '../api.js'
import type { Alert, WindowHeadline } from '../api-types.js'
import { utcTime, versus, windowLabel } from '../../figures.js'
import { badge, h, openBadge, table } from '../dom.js'
import { alertModelLink, alertWindowLink } from '../alert-links.js'

/** "0.79996 vs 0.80000": the digits that tell the value from its threshold. */
function versusText(a: Alert): string {
  const shown = versus(a.value, a.threshold)
  return `${shown.value} vs ${shown.threshold}`
}

const windowKey = (model: string, version: string, start: string) => JSON.stringify([model, version, start])

/**
 * The alerts' windows that are still open. An alert carries no open flag, so it is read from each
 * alerted model's windows, from its oldest alerted window on (one request per model). A model
 * the API no longer knows has no open window. Service-level alerts (no model) have no window.
 */
export async function openAlertWindows(alerts: readonly Alert[], windowsOf: (model: string, from: string) => Promise<readonly WindowHeadline[]>): Promise<Set<string>> {
  const oldest = new Map<string, string>()
  for (const a of alerts) {
    if (a.model === '') continue
    const seen = oldest.get(a.model)
    if (seen === undefined || a.window_start < seen) oldest.set(a.model, a.window_start)
  }
  const lists = await Promise.all([...oldest].map(async ([model, from]) => ({ model, windows: await windowsOf(model, from).catch(() => []) })))
  return new Set(lists.flatMap(({ model, windows }) => windows.filter((w) => !w.closed).map((w) => windowKey(model, w.model_version, w.window_start))))
}

export const alertWindowOpen = (a: Alert, open: ReadonlySet<string>): boolean => a.model !== '' && open.has(windowKey(a.model, a.model_version, a.window_start))

export async function alertsPage(): Promise<HTMLElement> {
  const alerts = await getAll<Alert>('/v1/alerts', { status: 'all' })
  const open = await openAlertWindows(alerts, (model, from) => getAll<WindowHeadline>(`/v1/models/${encodeURIComponent(model)}/windows`, { from, limit: '5000' }))
  const rows = alerts.map((a) => [
    badge(a.status, a.status === 'firing' ? 'bad' : 'ok'),
    a.severity,
    a.rule,
    alertModelLink(a),
    a.subject,
    versusText(a),
    h('span', { class: 'window' }, alertWindowLink(a, windowLabel(a.window_start, a.window_end)), alertWindowOpen(a, open) ? ' ' : '', openBadge(!alertWindowOpen(a, open))),
    utcTime(a.fired_at),
    a.resolved_at ? utcTime(a.resolved_at) : '-',
  ])
  return h(
    'section',
    { 'data-page': 'alerts' },
    h('h1', {}, `Alerts (${alerts.filter((a) => a.status === 'firing').length} firing)`),
    alerts.length === 0 ? h('p', {}, 'No alert.') : table(['status', 'severity', 'rule', 'model', 'subject', 'value vs threshold', 'window', 'fired', 'resolved'], rows, { id: 'alerts' }, ['rule', 'subject']),
  )
}

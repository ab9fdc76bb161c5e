/** Alerts page: firing alerts and those resolved in the last 7 days (the API's default). */
import { getAll } from '../api.js'
import type { Alert } from '../api-types.js'
import { utcTime, versus, windowLabel } from '../../figures.js'
import { badge, h, table } from '../dom.js'
import { alertModelLink, alertWindowLink } from '../alert-links.js'

/** "0.79996 vs 0.80000": the digits that tell the value from its threshold. */
function versusText(a: Alert): string {
  const shown = versus(a.value, a.threshold)
  return `${shown.value} vs ${shown.threshold}`
}

export async function alertsPage(): Promise<HTMLElement> {
  const alerts = await getAll<Alert>('/v1/alerts', { status: 'all' })
  const rows = alerts.map((a) => [
    badge(a.status, a.status === 'firing' ? 'bad' : 'ok'),
    a.severity,
    a.rule,
    alertModelLink(a),
    a.subject,
    versusText(a),
    alertWindowLink(a, windowLabel(a.window_start, a.window_end)),
    utcTime(a.fired_at),
    a.resolved_at ? utcTime(a.resolved_at) : '-',
  ])
  return h(
    'section',
    { 'data-page': 'alerts' },
    h('h1', {}, `Alerts (${alerts.filter((a) => a.status === 'firing').length} firing)`),
    alerts.length === 0 ? h('p', {}, 'No alert.') : table(['status', 'severity', 'rule', 'model', 'subject', 'value vs threshold', 'window', 'fired', 'resolved'], rows, { id: 'alerts' }),
  )
}

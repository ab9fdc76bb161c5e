/** Alerts page: firing alerts and those resolved in the last 7 days (the API's default). */
import { getAll } from '../api.js'
import type { Alert } from '../api-types.js'
import { badge, day, fmt, h, table } from '../dom.js'
import { modelHref, windowHref } from '../routes.js'

export async function alertsPage(): Promise<HTMLElement> {
  const alerts = await getAll<Alert>('/v1/alerts', { status: 'all' })
  const rows = alerts.map((a) => [
    badge(a.status, a.status === 'firing' ? 'bad' : 'ok'),
    a.severity,
    a.rule,
    h('a', { href: modelHref(a.model, { version: a.model_version }) }, `${a.model} ${a.model_version}`),
    a.subject,
    `${fmt(a.value, 4)} vs ${fmt(a.threshold, 4)}`,
    h('a', { href: windowHref(a.model, a.window_start, a.model_version) }, day(a.window_start)),
    day(a.fired_at),
    a.resolved_at ? day(a.resolved_at) : '-',
  ])
  return h(
    'section',
    { 'data-page': 'alerts' },
    h('h1', {}, `Alerts (${alerts.filter((a) => a.status === 'firing').length} firing)`),
    alerts.length === 0 ? h('p', {}, 'No alert.') : table(['status', 'severity', 'rule', 'model', 'subject', 'value vs threshold', 'window', 'fired', 'resolved'], rows, { id: 'alerts' }),
  )
}

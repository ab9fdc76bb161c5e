/**
 * Grafana: a region annotation on the alert's dashboard (the model overview, or pipeline health
 * for an alert of the deployment itself: ../notification.ts, alertDashboard) through the HTTP API
 * (POST /api/annotations with { dashboardUID, time, timeEnd, tags, text }, epoch milliseconds,
 * a service account token as Bearer; answered { id, message: "Annotation added" }).
 *
 * The API has no idempotency key, but annotations can be found again: each one carries the tag
 * `driftwatch-id:<id>` (the id the attempt carries: the deployment's notification id, so another
 * deployment posting to this Grafana never has the same tag: senders.ts), and before re-sending
 * after an in-doubt attempt we look it up (GET /api/annotations?dashboardUID=…&from=…&to=…&tags=…)
 * and skip the POST when it exists.
 */
import { alertDashboard, type Notification } from '../notification.js'
import { headline, itemLines, valueVsThreshold, windowText, worstValue } from './content.js'
import { httpRequest, type Fetch } from './http.js'
import type { ChannelSender } from './types.js'

export const idTag = (idempotencyKey: string): string => `driftwatch-id:${idempotencyKey}`

export interface GrafanaAnnotation {
  readonly dashboardUID: string
  readonly time: number
  readonly timeEnd: number
  readonly tags: string[]
  readonly text: string
}

const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')

export function grafanaAnnotation(n: Notification, idempotencyKey: string): GrafanaAnnotation {
  const items = n.items.some((i) => i.subject !== '') ? `<br>${itemLines(n).map(esc).join('<br>')}` : ''
  const link = n.dashboardUrl ? `<br><a href="${esc(n.dashboardUrl)}">dashboard</a>` : ''
  return {
    dashboardUID: alertDashboard(n.modelId).uid,
    time: n.windowStartMs,
    timeEnd: n.windowEndMs,
    tags: [
      'driftwatch',
      `model:${n.modelId || 'pipeline'}`,
      ...(n.modelVersion ? [`version:${n.modelVersion}`] : []),
      `metric:${n.metric}`,
      `severity:${n.severity}`,
      `status:${n.status}`,
      `rule:${n.rule}`,
      idTag(idempotencyKey),
    ],
    text: `<b>${esc(headline(n))}</b><br>${esc(`${n.metric}: ${valueVsThreshold(worstValue(n), n)}, window ${windowText(n)}`)}${n.reason ? `<br>${esc(n.reason)}` : ''}${items}${link}`,
  }
}

export function grafanaSender(o: { url: string; apiToken: string; timeoutMs?: number; fetch?: Fetch }): ChannelSender {
  const base = o.url.replace(/\/+$/, '')
  const headers = { authorization: `Bearer ${o.apiToken}` }
  const timeoutMs = o.timeoutMs ?? 10_000
  const exists = async (a: GrafanaAnnotation, tag: string): Promise<boolean> => {
    const q = new URLSearchParams({ dashboardUID: a.dashboardUID, from: String(a.time), to: String(a.timeEnd), tags: tag, limit: '100' })
    const res = await httpRequest('Grafana annotation lookup', `${base}/api/annotations?${q}`, { method: 'GET', headers, timeoutMs, fetch: o.fetch })
    const found = JSON.parse(res.text || '[]') as { tags?: string[] }[]
    return Array.isArray(found) && found.some((x) => x.tags?.includes(tag))
  }
  return {
    name: 'grafana',
    maxSendMs: 2 * timeoutMs, // the lookup of an in-doubt annotation, then the post
    async send(n, a) {
      const body = grafanaAnnotation(n, a.idempotencyKey)
      if (a.inDoubt && (await exists(body, idTag(a.idempotencyKey)))) return
      await httpRequest('Grafana annotation', `${base}/api/annotations`, { method: 'POST', headers, body, timeoutMs, fetch: o.fetch })
    },
  }
}

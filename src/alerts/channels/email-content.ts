/** An alert email: subject, plain text and HTML carrying the same facts. Pure. */
import { alertDashboard, type Notification } from '../notification.js'
import { headline, itemLines, statusWord, summaryText, valueVsThreshold, windowText, worstValue } from './content.js'

export interface EmailContent {
  readonly subject: string
  readonly text: string
  readonly html: string
}

const html = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')

function facts(n: Notification): [string, string][] {
  return [
    ['Status', statusWord(n)],
    ['Model', n.modelId || '—'],
    ['Version', n.modelVersion || '—'],
    ['Metric', n.metric],
    ['Condition', n.condition],
    [n.items.length > 1 ? 'Worst value' : 'Value', valueVsThreshold(worstValue(n), n)],
    ['Window', windowText(n)],
    ['Severity', n.severity],
    ['Rule', n.rule],
  ]
}

export function emailContent(n: Notification, idempotencyKey: string): EmailContent {
  const summary = `${summaryText(n)}.`
  const listTitle = n.subjectLabel === 'feature' ? 'Top features' : `Top ${n.subjectLabel}s`
  const items = n.subjectLabel && n.items.some((i) => i.subject !== '') ? itemLines(n) : []
  const text = [
    summary,
    ...(n.description ? [n.description] : []),
    '',
    ...facts(n).map(([k, v]) => `${k}: ${v}`),
    ...(items.length ? ['', `${listTitle}:`, ...items.map((l) => `  - ${l}`)] : []),
    ...(n.details.length ? ['', `Drifted features: ${n.details.join(', ')}`] : []),
    ...(n.runbook && n.status === 'firing' ? ['', 'Runbook:', n.runbook] : []),
    ...(n.dashboardUrl ? ['', `Dashboard: ${n.dashboardUrl}`] : []),
    '',
    `-- driftwatch, notification ${idempotencyKey}`,
  ].join('\n')
  const rows = facts(n).map(([k, v]) => `<tr><th align="left" style="padding:2px 12px 2px 0">${html(k)}</th><td>${html(v)}</td></tr>`).join('')
  const body = [
    `<p>${html(summary)}</p>`,
    n.description ? `<p>${html(n.description)}</p>` : '',
    `<table>${rows}</table>`,
    items.length ? `<h3>${html(listTitle)}</h3><ul>${items.map((l) => `<li>${html(l)}</li>`).join('')}</ul>` : '',
    n.details.length ? `<p><b>Drifted features:</b> ${html(n.details.join(', '))}</p>` : '',
    n.runbook && n.status === 'firing' ? `<h3>Runbook</h3><pre>${html(n.runbook)}</pre>` : '',
    n.dashboardUrl ? `<p><a href="${html(n.dashboardUrl)}">${html(alertDashboard(n.modelId).linkText)}</a><br>${html(n.dashboardUrl)}</p>` : '',
    `<p style="color:#888">driftwatch, notification ${html(idempotencyKey)}</p>`,
  ].filter(Boolean).join('\n')
  return { subject: `[driftwatch] ${headline(n)}`, text, html: `<!doctype html><html><body>\n${body}\n</body></html>` }
}

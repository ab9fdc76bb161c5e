/**
 * Checks a Slack incoming-webhook payload against Block Kit's documented shape and limits
 * (docs.slack.dev/reference/block-kit/blocks): at most 50 blocks; header: plain_text ≤ 150;
 * section: text (≤ 3000) and/or fields (≤ 10, each ≤ 2000); context: 1–10 elements; text
 * objects are plain_text or mrkdwn. Returns the problems found (none: valid).
 */
type Text = { type?: unknown; text?: unknown }

function textProblems(t: Text | undefined, where: string, max: number, types = ['plain_text', 'mrkdwn']): string[] {
  if (!t || typeof t !== 'object') return [`${where}: missing text object`]
  const p: string[] = []
  if (!types.includes(String(t.type))) p.push(`${where}.type: ${String(t.type)} is not ${types.join(' or ')}`)
  if (typeof t.text !== 'string' || t.text.length === 0) p.push(`${where}.text: must be a non-empty string`)
  else if (t.text.length > max) p.push(`${where}.text: ${t.text.length} characters, more than ${max}`)
  return p
}

export function blockKitProblems(payload: unknown): string[] {
  const m = payload as { text?: unknown; blocks?: unknown }
  const p: string[] = []
  if (typeof m?.text !== 'string' || m.text.length === 0) p.push('text: a fallback text is required with blocks')
  if (!Array.isArray(m?.blocks) || m.blocks.length === 0 || m.blocks.length > 50) return [...p, 'blocks: 1 to 50 blocks']
  m.blocks.forEach((b: { type?: string; text?: Text; fields?: Text[]; elements?: Text[] }, i: number) => {
    const at = `blocks.${i}`
    if (b.type === 'header') p.push(...textProblems(b.text, `${at}.text`, 150, ['plain_text']))
    else if (b.type === 'section') {
      if (!b.text && !b.fields) p.push(`${at}: a section needs text or fields`)
      if (b.text) p.push(...textProblems(b.text, `${at}.text`, 3000))
      if (b.fields) {
        if (b.fields.length > 10) p.push(`${at}.fields: more than 10`)
        b.fields.forEach((f, j) => p.push(...textProblems(f, `${at}.fields.${j}`, 2000)))
      }
    } else if (b.type === 'context') {
      if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) p.push(`${at}.elements: 1 to 10 elements`)
      else b.elements.forEach((e, j) => p.push(...textProblems(e, `${at}.elements.${j}`, 3000)))
    } else if (b.type !== 'divider' && b.type !== 'actions') p.push(`${at}.type: unexpected block type ${String(b.type)}`)
  })
  return p
}

/** Checks a Grafana POST /api/annotations body (epoch ms times, string tags). */
export function annotationProblems(body: unknown): string[] {
  const a = body as Record<string, unknown>
  const p: string[] = []
  if (typeof a?.dashboardUID !== 'string' || !a.dashboardUID) p.push('dashboardUID: a non-empty string')
  if (!Number.isInteger(a?.time) || (a.time as number) < 1e12) p.push('time: epoch milliseconds')
  if (a?.timeEnd !== undefined && (!Number.isInteger(a.timeEnd) || (a.timeEnd as number) < (a.time as number))) p.push('timeEnd: epoch milliseconds, not before time')
  if (!Array.isArray(a?.tags) || !a.tags.every((t) => typeof t === 'string')) p.push('tags: an array of strings')
  if (typeof a?.text !== 'string' || !a.text) p.push('text: a non-empty string')
  const known = new Set(['dashboardUID', 'dashboardId', 'panelId', 'time', 'timeEnd', 'tags', 'text'])
  for (const k of Object.keys(a ?? {})) if (!known.has(k)) p.push(`${k}: not a field of the create-annotation API`)
  return p
}

/**
 * Pipeline page (#/pipeline?from=&to=&topic=&code=&model=): the dead letters of a time range from
 * GET /v1/dead-letters, counted by topic, error code and model, and the most recent ones with their
 * reason and source offsets (never their bytes); rejected records and orphan-label notices apart. Also the overview's pipeline line, which keeps
 * "no predictions yet" for when nothing arrived, not for when everything was dead-lettered.
 */
import { utcTime } from '../../figures.js'
import { getJson } from '../api.js'
import { badge, day, fmt, h, nameText, scroller, table, td } from '../dom.js'
import { pipelineHref } from '../routes.js'

interface DeadLetterCount { topic: string; code: string; model: string; count: number; first_at: string; last_at: string }
interface DeadLetter {
  topic: string; partition: number; offset: string; code: string; message: string; model: string
  key_bytes: number; value_bytes: number; dlq_truncated: string; dead_lettered_at: string
}
export interface DeadLetterReport {
  from: string; to: string; total: number; stored: number; counts: DeadLetterCount[]; counts_truncated: boolean; recent: DeadLetter[]
  /** Of total, the orphan-label notices (absent from servers before it was added: then read from counts). */
  notices?: number
}

/**
 * The code of an orphan-label notice (docs/events.md, "Rejections and orphan-label notices"): a
 * label that IS stored, whose prediction is not (yet); it counts as soon as its prediction is
 * stored. Every other dead letter is a rejected record, which was not stored.
 */
export const ORPHAN_NOTICE = 'DW_ORPHAN_LABEL'

/**
 * The dead letters split into rejected records and orphan-label notices, and the share rejected
 * of all records: rejected / (rejected + stored), where stored holds the orphan labels themselves
 * (as `driftwatch status` and the dlq_rate alert count it).
 */
export function deadLetterSplit(r: Pick<DeadLetterReport, 'total' | 'stored' | 'counts' | 'notices'>): { rejected: number; notices: number; share: number | null } {
  const notices = r.notices ?? r.counts.reduce((s, c) => s + (c.code === ORPHAN_NOTICE ? c.count : 0), 0)
  const rejected = r.total - notices
  return { rejected, notices, share: rejected + r.stored > 0 ? rejected / (rejected + r.stored) : null }
}

const noticesText = (n: number) => `${n} orphan-label ${n === 1 ? 'notice' : 'notices'}`
const kindOf = (code: string) => (code === ORPHAN_NOTICE ? 'notice: label stored' : 'rejected')

const HOUR_MS = 3_600_000
const RANGES = [['last hour', HOUR_MS], ['last 24 h', 24 * HOUR_MS], ['last 7 days', 7 * 24 * HOUR_MS], ['last 30 days', 30 * 24 * HOUR_MS]] as const

/**
 * The range links: each span up to now (no `to`: the API's default end is now), whatever range
 * the page shows, so that "last hour" from a past period (a dlq-rate alert's link) is the last
 * hour, not the period's start to now. The other filters are kept.
 */
export function rangeLinks(asked: Record<string, string | undefined>, nowMs: number): { label: string; href: string }[] {
  return RANGES.map(([label, ms]) => ({ label: `${label} (until now)`, href: pipelineHref({ ...asked, from: new Date(nowMs - ms).toISOString(), to: undefined }) }))
}

// model '' asks for the dead letters without a model (labels, records that did not decode).
const report = (query: Record<string, string | undefined>) => getJson<DeadLetterReport>('/v1/dead-letters', query, ['model'])
const FILTERS = ['from', 'to', 'topic', 'code', 'model'] as const

export async function pipelinePage(query: URLSearchParams): Promise<HTMLElement> {
  const asked = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) ?? undefined]))
  const r = await report({ ...asked, limit: '100' })
  const split = deadLetterSplit(r)
  const filtersShown = (['topic', 'code', 'model'] as const).filter((k) => asked[k] !== undefined)
  const section = h(
    'section',
    { 'data-page': 'pipeline' },
    h('h1', {}, 'Pipeline: dead letters'),
    h('p', { id: 'dead-letter-totals' }, `${day(r.from)} – ${day(r.to)}: ${split.rejected} rejected, ${r.stored} stored`, split.share === null ? '' : ` (${fmt(100 * split.share, 2)}% rejected)`,
      split.notices === 0 ? '' : `; ${noticesText(split.notices)} (labels stored without a stored prediction)`,
      filtersShown.length === 0 ? '' : `; only ${filtersShown.map((k) => `${k} ${asked[k] === '' ? '(none)' : asked[k]}`).join(', ')} `,
      filtersShown.length === 0 ? '' : h('a', { href: pipelineHref({ from: asked['from'], to: asked['to'] }) }, 'show all')),
    h('p', { class: 'filters', id: 'ranges' }, ...rangeLinks(asked, Date.now()).map((l) => h('a', { href: l.href }, l.label))),
    h('p', { id: 'dead-letter-kinds' }, 'Rejected: records that failed to decode or validate, and were not stored. ',
      `Orphan-label notices (${ORPHAN_NOTICE}): labels that are stored but whose prediction is not, after join.orphanAfter; such a label counts as soon as its prediction is stored. `,
      'In Kafka mode each dead letter is also on <topic>.dlq with its original bytes.'),
  )
  if (r.total === 0) {
    section.append(h('p', { id: 'no-dead-letters' }, 'No dead letter in this range.'))
    return section
  }
  const countRows = r.counts.map((c) => h('tr', { 'data-code': c.code, 'data-topic': c.topic, 'data-model': c.model, 'data-count': c.count },
    ...[c.topic, h('a', { href: pipelineHref({ ...asked, code: c.code }) }, c.code), c.model ? nameText(c.model) : '-', String(c.count), day(c.first_at), day(c.last_at), kindOf(c.code)].map((x, i) => td(x, i === 0))))
  section.append(
    h('h2', {}, 'By topic, code and model'),
    scroller(h('table', { id: 'dead-letter-counts' },
      h('thead', {}, h('tr', {}, ...['topic', 'code', 'model', 'count', 'first', 'last', 'kind'].map((x) => h('th', {}, x)))),
      h('tbody', {}, ...countRows))),
    r.counts_truncated ? h('p', {}, `Only the ${r.counts.length} largest groups are listed; the total counts them all.`) : '',
    h('h2', {}, `Most recent ${r.recent.length}`),
    table(
      ['dead-lettered', 'topic', 'partition', 'offset', 'code', 'model', 'message', 'key / value bytes', '.dlq record', 'kind'],
      r.recent.map((d) => [utcTime(d.dead_lettered_at), d.topic, d.partition, d.offset, badge(d.code, d.code === ORPHAN_NOTICE ? 'none' : 'bad'), d.model ? nameText(d.model) : '-', d.message,
        `${d.key_bytes} / ${d.value_bytes}`, d.dlq_truncated === '' ? 'whole' : `cut: ${d.dlq_truncated}`, kindOf(d.code)]),
      { id: 'dead-letters' },
      ['topic', 'message', '.dlq record'],
    ),
  )
  return section
}

/**
 * The overview's pipeline line: records rejected in the last 24 hours, and the orphan-label
 * notices apart (their labels are stored), with a link to this page; and, when no model is
 * listed, whether records arrived at all (ever) and were all rejected.
 */
export async function pipelineNotice(models: number): Promise<{ empty: Node | null; line: Node }> {
  const recent = deadLetterSplit(await report({ limit: '1' }))
  let empty: Node | null = null
  if (models === 0) {
    const ever = await report({ from: '0', limit: '1' })
    const { rejected } = deadLetterSplit(ever)
    const latest = ever.recent.find((d) => d.code !== ORPHAN_NOTICE)
    empty = rejected === 0
      ? h('p', {}, 'No model has sent predictions yet.')
      : h('p', { id: 'all-dead-lettered', class: 'error' },
        `No prediction has been stored: ${rejected} records arrived and were rejected (dead-lettered)${latest ? ` (the latest: ${latest.code})` : ''}. `,
        h('a', { href: pipelineHref({ from: '0' }) }, 'See the dead letters'))
  }
  const line = h('p', { id: 'pipeline-line' }, 'Pipeline: ',
    badge(`${recent.rejected} ${recent.rejected === 1 ? 'record' : 'records'} rejected (dead-lettered) in the last 24 h`, recent.rejected > 0 ? 'warn' : 'ok'), ' ',
    ...(recent.notices > 0 ? [badge(`${noticesText(recent.notices)} (labels stored, prediction missing)`, 'none'), ' '] : []),
    h('a', { href: pipelineHref() }, 'Pipeline / dead letters'))
  return { empty, line }
}

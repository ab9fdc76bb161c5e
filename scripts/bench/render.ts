/**
 * bench/RESULTS.md, rendered from bench/results.json and nothing else: the figures are never
 * edited by hand (analysis goes in docs/performance.md). `npm run bench` calls it; alone,
 * `tsx scripts/bench/render.ts` re-renders the committed results.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { EvaluateHistoryResult } from './evaluate-history.js'
import type { JoinMemoryResult } from './join-memory.js'
import type { MicroResult } from './micro.js'
import type { ReportHtmlResult } from './report-html.js'
import type { ReadApiResult } from './read-api.js'

/** The targets the project set itself: ingest, memory, evaluation against history, read API. */
export const TARGETS = {
  ingest_events_per_s_per_core: { min: 50_000 },
  cpu_us_per_event: { max: 20 },
  ingest_vs_raw_ratio: { min: 0.45 },
  peak_rss_mib: { max: 512 },
  join_memory_peak_rss_mib: { max: 512 },
  evaluate_history_ratio: { max: 2 },
  read_api_series_p95_ms: { max: 200 },
} as const

export interface BenchResults {
  readonly measured_at: string
  readonly command: string
  readonly machine: Record<string, string | number>
  readonly input: { readonly predictions: number; readonly labels: number; readonly features: number; readonly partitions: number }
  readonly produce_s: number
  readonly raw_consume_s: number
  readonly raw_consume_events_per_s: number
  readonly ingest_s: number
  readonly ingest_startup_s: number
  readonly ingest_events_per_s: number
  readonly ingest_events_per_s_per_core: number
  readonly ingest_vs_raw_ratio: number
  readonly cpu_us_per_event: number
  /** CPU of start-up alone (loading chDB, migrating a new database, joining the group), part of cpu_us_per_event. */
  readonly startup_cpu_ms: number
  /** CPU per event from the end of start-up to the last commit. */
  readonly cpu_us_per_event_after_startup: number
  readonly ingest_cpu_ms_by_thread: Record<string, number>
  readonly peak_rss_mib: number
  readonly evaluate_s: number
  readonly windows_evaluated: number
  readonly rows_written: Record<string, number>
  readonly stored_all: boolean
  readonly join_memory_peak_rss_mib: number | null
  readonly join_memory: JoinMemoryResult | null
  readonly evaluate_window_ms_small_history: number | null
  readonly evaluate_window_ms_large_history: number | null
  readonly evaluate_history: EvaluateHistoryResult | null
  readonly report_html: ReportHtmlResult | null
  readonly read_api: ReadApiResult | null
  readonly micro: readonly MicroResult[]
  readonly targets: typeof TARGETS
}

type Target = { readonly min: number } | { readonly max: number }

function verdict(value: number | null | undefined, target: Target): string {
  if (value === null || value === undefined) return 'not measured'
  const met = 'min' in target ? value >= target.min : value <= target.max
  return met ? 'met' : '**missed**'
}

const bound = (t: Target) => ('min' in t ? `≥ ${t.min.toLocaleString('en')}` : `≤ ${t.max.toLocaleString('en')}`)
const n = (x: number) => x.toLocaleString('en')

export function renderResults(r: BenchResults): string {
  const total = r.input.predictions + r.input.labels
  const history = r.evaluate_history
  const historyRatio = history ? history.ratio : null
  const seriesP95 = r.read_api ? Object.values(r.read_api.routes)[0]?.p95Ms ?? null : null
  const threadTotal = Object.values(r.ingest_cpu_ms_by_thread).reduce((s, v) => s + v, 0)
  const row = (name: string, value: number | null, unit: string, target: Target) => `| ${name} | ${value === null ? '–' : `${n(value)}${unit}`} | ${bound(target)}${unit} | ${verdict(value, target)} |`
  const lines = [
    '# Benchmark results',
    '',
    `Rendered from \`bench/results.json\` (\`${r.command}\`, ${r.measured_at.slice(0, 16).replace('T', ' ')} UTC); never edited by hand. Analysis: docs/performance.md.`,
    '',
    `Machine: ${r.machine['cores']} cores (${r.machine['cpu_model']}), ${r.machine['memory_gib']} GiB, Node ${r.machine['node']}, ${r.machine['kafka']}, ${r.machine['schema_registry']}, ${r.machine['clickhouse']}. Load average ${r.machine['load_average_before']} before the run, ${r.machine['load_average_after']} after.`,
    '',
    '## Targets',
    '',
    '| | measured | target | |',
    '|---|---|---|---|',
    row('ingest, events/s per core', r.ingest_events_per_s_per_core, '', r.targets.ingest_events_per_s_per_core),
    row('CPU per event, all threads (µs)', r.cpu_us_per_event, '', r.targets.cpu_us_per_event),
    row('ingest / raw kafkajs consume', r.ingest_vs_raw_ratio, '', r.targets.ingest_vs_raw_ratio),
    row('peak RSS, throughput run (MiB)', r.peak_rss_mib, '', r.targets.peak_rss_mib),
    row('peak RSS, 1M unlabeled predictions (MiB)', r.join_memory_peak_rss_mib, '', r.targets.join_memory_peak_rss_mib),
    row('evaluation of one window, large / small history', historyRatio, '', r.targets.evaluate_history_ratio),
    row('read API series route p95 (ms)', seriesP95, '', r.targets.read_api_series_p95_ms),
    '',
    '## Ingest',
    '',
    `${n(total)} records (${n(r.input.predictions)} predictions with ${r.input.features} features, ${n(r.input.labels)} labels) in ${r.input.partitions} partitions per topic, produced in a child process, then read twice by this process.`,
    '',
    '| | seconds | events/s | events/s per core |',
    '|---|---|---|---|',
    `| (a) kafkajs consume only, records decoded as driftwatch decodes them (the client's ceiling) | ${r.raw_consume_s.toFixed(2)} | ${n(r.raw_consume_events_per_s)} | ${n(Math.round(r.raw_consume_events_per_s / Number(r.machine['cores'])))} |`,
    `| (b) driftwatch: decoded, validated, stored, routed, committed | ${r.ingest_s.toFixed(2)} | ${n(r.ingest_events_per_s)} | ${n(r.ingest_events_per_s_per_core)} |`,
    '',
    `- (b) includes start-up (${r.ingest_startup_s.toFixed(2)} s: chDB, migrations, consumer group join). Every record stored once and nothing dead-lettered: ${r.stored_all ? 'yes' : '**no**'}.`,
    `- CPU per event, user + system of every thread of the process (chDB's included): ${r.cpu_us_per_event} µs, start-up included (${n(r.startup_cpu_ms)} ms of CPU); ${r.cpu_us_per_event_after_startup} µs from the end of start-up to the last commit. By thread (ms, from /proc):`,
    `  ${Object.entries(r.ingest_cpu_ms_by_thread).map(([k, v]) => `${k} ${n(v)} (${Math.round((100 * v) / threadTotal)} %)`).join(', ')}.`,
    `- Peak RSS of the process during ingest: ${r.peak_rss_mib} MiB.`,
    `- Evaluation of the ${r.windows_evaluated} windows the records fall in: ${r.evaluate_s.toFixed(2)} s. Rows: ${Object.entries(r.rows_written).map(([k, v]) => `${k} ${n(v)}`).join(', ')}.`,
    '',
    '## Join memory',
    '',
    r.join_memory
      ? `${n(r.join_memory.predictions)} unlabeled predictions inside the join horizon, in a process of their own (embedded mode, join index bounded at ${n(r.join_memory.indexSize)} entries, ${n(r.join_memory.indexEntries)} held): peak RSS ${r.join_memory.peakRssMb} MiB (chDB included), ${r.join_memory.seconds.toFixed(0)} s.`
      : 'Not measured in this run.',
    '',
    '## Evaluation against history',
    '',
    history
      ? [
          `One new window of ${n(history.new_window_predictions)} predictions evaluated (the whole evaluator pass: due-window scan, partials and metrics against the previous window, orphan sweep) with ${n(history.small.storedPredictions)} and with ${n(history.large.storedPredictions)} predictions stored across ${n(history.windows)} windows, median of the passes (load average ${history.load_average} at the end):`,
          '',
          '| stored predictions | pass ms (median) | fastest pass ms | CPU ms | due scan ms | window ms | orphan sweep ms |',
          '|---|---|---|---|---|---|---|',
          ...[history.small, history.large].map((h) => `| ${n(h.storedPredictions)} | ${h.passMs.toFixed(0)} | ${h.bestPassMs.toFixed(0)} | ${h.passCpuMs.toFixed(0)} | ${h.dueScanMs.toFixed(0)} | ${h.evaluateWindowMs.toFixed(0)} | ${h.orphanSweepMs.toFixed(0)} |`),
          '',
          `Large / small: ${history.ratio} (wall), ${history.ratio_cpu} (CPU), ${history.ratio_best} (fastest pass).`,
        ].join('\n')
      : 'Not measured in this run.',
    '',
    '## HTML report',
    '',
    r.report_html
      ? `\`driftwatch report\` on ${n(r.report_html.rows.current)} current and ${n(r.report_html.rows.reference)} reference rows (20 numeric and 2 categorical features, label, prediction, score), each format run ${r.report_html.repeats} times alternating in its own process, medians: JSON ${r.report_html.report_json_s.toFixed(1)} s (peak RSS ${r.report_html.report_json_peak_rss_mib} MiB), HTML ${r.report_html.report_html_s.toFixed(1)} s (${r.report_html.report_html_peak_rss_mib} MiB, a ${Math.round(r.report_html.html_bytes / 1024)} KiB page): the HTML's extra cost is ${r.report_html.report_html_extra_s.toFixed(1)} s (load average ${r.report_html.load_average.join(' → ')}).`
      : 'Not measured in this run.',
    '',
    '## Read API latency',
    '',
    r.read_api
      ? [
          `One model with ${n(r.read_api.windows)} windows of ${r.read_api.features} features on embedded chDB, real HTTP on loopback, ${r.read_api.requests} requests after 3 warm-up ones (load average ${r.read_api.loadAverage} at the end).`,
          '',
          '| route | p50 ms | p95 ms | max ms | CPU ms per request |',
          '|---|---|---|---|---|',
          ...Object.entries(r.read_api.routes).map(([route, x]) => `| ${route} | ${x.p50Ms} | ${x.p95Ms} | ${x.maxMs} | ${x.cpuMsPerRequest} |`),
        ].join('\n')
      : 'Not measured in this run.',
    '',
    '## Hot statistics',
    '',
    '| | ns per value |',
    '|---|---|',
    ...r.micro.map((m) => `| ${m.name} | ${m.nsPerValue.toFixed(1)} |`),
    '',
  ]
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = join(import.meta.dirname, '..', '..')
  const results = JSON.parse(readFileSync(join(root, 'bench', 'results.json'), 'utf8')) as BenchResults
  writeFileSync(join(root, 'bench', 'RESULTS.md'), renderResults(results))
}

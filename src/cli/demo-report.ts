/** What the demo prints once its windows are evaluated: read from the metric tables, as Grafana would. */
import type { Store } from '../store/clickhouse.js'
import { withDatabase } from '../store/query.js'
import { CHANNEL_NOT_CONFIGURED } from '../alerts/service.js'

async function rows<T>(store: Store, sql: string, query_params?: Record<string, unknown>): Promise<T[]> {
  return (await store.client.query({ query: withDatabase(sql, store.database), format: 'JSONEachRow', ...(query_params ? { query_params } : {}) })).json<T>()
}

const pad = (s: string | number, n: number) => String(s).padStart(n)
const fmt = (x: number | null | undefined, digits = 3) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits))

export async function printDemoReport(store: Store, out: (s: string) => void): Promise<void> {
  const days = await rows<{ day: string; predictions: string; coverage: number; share: number; drifted: string[]; psi: number; f1_real: number; f1_est: number; di: number }>(
    store,
    `SELECT toDate(s.window_start) AS day, s.predictions, s.label_coverage AS coverage, d.drift_share AS share, d.drifted_features AS drifted,
            x.psi, p.f1_real, p.f1_est, f.di
     FROM (SELECT * FROM {db}.window_summary FINAL WHERE model_version = 'v1') AS s
     LEFT JOIN (SELECT * FROM {db}.dataset_drift FINAL WHERE model_version = 'v1') AS d USING window_start
     LEFT JOIN (SELECT window_start, any(statistics['psi']) AS psi FROM {db}.drift FINAL WHERE model_version = 'v1' AND column = 'income' GROUP BY window_start) AS x USING window_start
     LEFT JOIN (SELECT window_start, anyIf(value, kind = 'realized') AS f1_real, anyIf(value, kind = 'estimated') AS f1_est
                FROM {db}.performance FINAL WHERE model_version = 'v1' AND variant = 'all' AND metric = 'f1' GROUP BY window_start) AS p USING window_start
     LEFT JOIN (SELECT window_start, any(value) AS di FROM {db}.fairness FINAL
                WHERE model_version = 'v1' AND attribute = 'group' AND metric = 'disparate_impact_ratio' GROUP BY window_start) AS f USING window_start
     ORDER BY day`,
  )
  out('')
  out('champion (v1) per daily window:')
  out('  day         predictions  labeled  drift share  income PSI  F1 realized  F1 estimated  disparate impact  drifted features')
  for (const d of days) {
    const flag = d.di < 0.8 ? ' <0.8' : '     '
    out(`  ${d.day}  ${pad(d.predictions, 11)}  ${pad(fmt(d.coverage, 2), 7)}  ${pad(fmt(d.share, 2), 11)}  ${pad(fmt(d.psi), 10)}  ${pad(fmt(d.f1_real), 11)}  ${pad(fmt(d.f1_est), 12)}  ${pad(fmt(d.di, 2), 11)}${flag}  ${d.drifted.join(', ')}`)
  }

  const firstDrift = await rows<{ column: string; day: string; method: string; score: number }>(
    store,
    `SELECT column, toDate(min(window_start)) AS day, argMin(method, window_start) AS method, argMin(score, window_start) AS score
     FROM {db}.drift FINAL WHERE target = 'feature' AND drift_detected = 1 AND model_version = 'v1' GROUP BY column ORDER BY day, column`,
  )
  out('')
  out('feature drift, first detected:')
  for (const f of firstDrift) out(`  ${f.column.padEnd(14)} ${f.day}  (${f.method} = ${fmt(f.score, 4)})`)

  const versions = await rows<{ variant: string; metric: string; realized: number; estimated: number; n: string }>(
    store,
    `SELECT variant, metric, avgIf(value, kind = 'realized' AND isFinite(value)) AS realized, avgIf(value, kind = 'estimated' AND isFinite(value)) AS estimated, sumIf(n, kind = 'realized') AS n
     FROM {db}.performance FINAL WHERE variant IN ('champion', 'challenger') AND metric IN ('accuracy', 'roc_auc')
     GROUP BY variant, metric ORDER BY variant DESC, metric`,
  )
  out('')
  out('champion vs challenger (mean over windows):')
  for (const v of versions) out(`  ${v.variant.padEnd(11)} ${v.metric.padEnd(9)} realized ${fmt(v.realized)}  estimated (CBPE) ${fmt(v.estimated)}  labeled ${v.n}`)

  const detectors = await rows<{ model_version: string; detector: string; detections: string[] }>(
    store,
    `SELECT model_version, detector, arrayMap(t -> toString(toDate(t)), detections) AS detections FROM {db}.detector_state FINAL ORDER BY model_version, detector`,
  )
  out('')
  out('concept-drift detectors on the joined error stream (days with a detection):')
  for (const d of detectors) out(`  ${d.model_version} ${d.detector.padEnd(6)} ${d.detections.length ? [...new Set(d.detections)].join(', ') : 'none'}`)

  const comparison = await rows<{ metric: string; difference: number; ci_low: number | null; ci_high: number | null; windows: string }>(
    store,
    `SELECT metric, avg(difference) AS difference, avg(ci_low) AS ci_low, avg(ci_high) AS ci_high, count() AS windows
     FROM {db}.comparison FINAL WHERE metric IN ('accuracy', 'roc_auc') GROUP BY metric ORDER BY metric`,
  )
  out('')
  out('challenger minus champion (mean over windows, with the mean 95% interval):')
  for (const c of comparison) out(`  ${c.metric.padEnd(9)} ${fmt(c.difference)} [${fmt(c.ci_low)}, ${fmt(c.ci_high)}] over ${c.windows} windows`)

  const groups = await rows<{ group_value: string; selection_rate: number; tpr: number }>(
    store,
    `SELECT group_value, avgIf(value, metric = 'selection_rate') AS selection_rate, avgIf(value, metric = 'true_positive_rate') AS tpr
     FROM {db}.fairness FINAL WHERE attribute = 'group' AND group_value != '' AND model_version = 'v1' GROUP BY group_value ORDER BY group_value`,
  )
  out('')
  out('fairness by group (champion, mean over windows):')
  for (const g of groups) out(`  group ${g.group_value}: selection rate ${fmt(g.selection_rate)}, true positive rate ${fmt(g.tpr)}`)
  const alerts = await rows<{ rule: string; model_version: string; subject: string; latest: string; first: string; value: number; threshold: number }>(
    store,
    `SELECT rule, model_version, subject, argMax(status, changed_at) AS latest, toString(toDate(minIf(window_start, status = 'firing'))) AS first,
            argMaxIf(value, changed_at, status = 'firing') AS value, any(threshold) AS threshold
     FROM {db}.alerts GROUP BY rule, model_version, subject ORDER BY first, rule, model_version, subject`,
  )
  // A notification waits in the outbox, pending, on each channel its rule names that no leader
  // has configured (src/alerts/service.ts): say so rather than a bare "pending".
  const deliveries = await rows<{ channel: string; status: string; n: string }>(
    store,
    `SELECT channel, if(status = 'pending' AND last_error = {unconfigured:String}, 'waiting (channel not configured)', status) AS status, count() AS n
     FROM {db}.alert_outbox FINAL WHERE channel != '' GROUP BY channel, status ORDER BY channel, status`,
    { unconfigured: CHANNEL_NOT_CONFIGURED },
  )
  out('')
  out(`alerts (rules in alerts/*.yaml): ${alerts.length} alert key(s)`)
  for (const a of alerts) out(`  ${a.latest.padEnd(8)} ${a.rule.padEnd(24)} ${a.model_version} ${a.subject.padEnd(12)} window ${a.first}  value ${fmt(a.value)} vs ${fmt(a.threshold)}`)
  out(deliveries.length ? `  deliveries: ${deliveries.map((d) => `${d.channel} ${d.status} ${d.n}`).join(', ')}` : '  deliveries: none')
  if (deliveries.some((d) => d.status.startsWith('waiting'))) out('  (set SLACK_WEBHOOK_URL, SMTP_* or GRAFANA_* to send them: docs/alerts.md, "Channels")')
  const [dead] = await rows<{ c: string }>(store, 'SELECT count() AS c FROM {db}.dead_letters')
  out(`dead letters: ${dead?.c ?? 0}`)
}

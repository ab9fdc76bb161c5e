/** What the demo prints once the pipeline has stored the simulated traffic. */
import type { Store } from '../store/clickhouse.js'
import type { LoanDemoOptions } from '../demo/loan-model.js'

export async function printDemoReport(store: Store, options: LoanDemoOptions, out: (s: string) => void): Promise<void> {
  const db = store.database
  const rows = await (
    await store.client.query({
      query: `SELECT toDate(event_time) AS day, count() AS n, round(avg(features_num['income'])) AS mean_income,
                     round(countIf(features_cat['employment'] = 'gig') / count(), 3) AS gig_share,
                     round(avg(score), 3) AS mean_score, countIf(variant = 'challenger') AS challenger
              FROM ${db}.predictions FINAL GROUP BY day ORDER BY day`,
      format: 'JSONEachRow',
    })
  ).json<{ day: string; n: string; mean_income: number; gig_share: number; mean_score: number; challenger: string }>()
  out('')
  out('stored predictions per day (event time):')
  out('  day         count  mean income  gig share  mean score  challenger')
  for (const r of rows) {
    out(`  ${r.day}  ${r.n.padStart(5)}  ${String(r.mean_income).padStart(11)}  ${r.gig_share.toFixed(3).padStart(9)}  ${r.mean_score.toFixed(3).padStart(10)}  ${r.challenger.padStart(10)}`)
  }
  const [dead] = await (await store.client.query({ query: `SELECT count() AS c FROM ${db}.dead_letters`, format: 'JSONEachRow' })).json<{ c: string }>()
  out(`dead letters: ${dead?.c ?? 0}`)
  const date = (day: number) => new Date(options.startMs + day * 86_400_000).toISOString().slice(0, 10)
  out(`reference period: ${date(0)} to ${date(options.referenceDays - 1)}; drift injected from ${date(options.driftDay)}.`)
}

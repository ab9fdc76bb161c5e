/** Wiring for alert tests: channel settings pointing at local receivers, and metric rows. */
import { parseAlertChannelsEnv, type AlertChannelsConfig } from '../../src/config/alerts-env.js'
import type { Store } from '../../src/store/clickhouse.js'
import { clickhouseDateTime64 } from '../../src/store/rows.js'
import type { HttpReceiver } from './http-receiver.js'
import type { SmtpReceiver } from './smtp-receiver.js'
import { withDatabase } from '../../src/store/query.js'

export const GRAFANA_TOKEN = 'glsa_test_token_0123456789'

type Receivers = { slack?: HttpReceiver; grafana?: HttpReceiver; smtp?: SmtpReceiver; dashboard?: string }

/** The environment variables that point the alert channels at local receivers (for startApp via testConfig). */
export function channelEnvFor(r: Receivers): Record<string, string> {
  return {
    ...(r.slack ? { SLACK_WEBHOOK_URL: `${r.slack.url}/services/T000/B000/XXXX` } : {}),
    ...(r.grafana ? { GRAFANA_URL: r.grafana.url, GRAFANA_API_TOKEN: GRAFANA_TOKEN } : {}),
    ...(r.smtp ? { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(r.smtp.port), SMTP_TLS: 'none', ALERT_EMAIL_FROM: 'driftwatch@example.com', ALERT_EMAIL_TO: 'ml-oncall@example.com' } : {}),
    DASHBOARD_BASE_URL: r.dashboard ?? 'http://grafana.example:3000',
  }
}

export function channelsFor(r: Receivers): AlertChannelsConfig {
  const { config, problems } = parseAlertChannelsEnv(channelEnvFor(r))
  if (!config) throw new Error(problems.join('\n'))
  return config
}

const DAY = 86_400_000

/** Drift rows of one window: { feature: psi }; the auto-selected method's score is the PSI too. */
export async function insertDrift(store: Store, o: { model?: string; version?: string; day: number; psi: Record<string, number>; evalVersion?: number; n?: number }): Promise<void> {
  const start = o.day * DAY
  await store.client.insert({
    table: withDatabase(`{db}.drift`, store.database),
    format: 'JSONEachRow',
    values: Object.entries(o.psi).map(([column, psi]) => ({
      model_id: o.model ?? 'm', model_version: o.version ?? 'v1', window_start: clickhouseDateTime64(start), window_end: clickhouseDateTime64(start + DAY),
      target: 'feature', column, column_kind: 'numerical', method: 'psi', score: psi, p_value: null, threshold: 0.1, drift_detected: psi >= 0.1 ? 1 : 0,
      statistics: { psi, ks: psi / 2 }, n_reference: 1000, n_current: o.n ?? 1000, unseen_categories: [], eval_version: o.evalVersion ?? Date.now(),
    })),
  })
}

/**
 * Alert channel settings from the environment. This function is handed the environment by
 * src/config (the only code that reads process.env) and returns problems by variable name,
 * never a secret's value.
 *
 *   SLACK_WEBHOOK_URL                      Slack incoming webhook
 *   SMTP_URL                               smtp://user:pass@host:587 or smtps://... (instead of the next five)
 *   SMTP_HOST, SMTP_PORT                   SMTP relay (port default 587, or 465 with SMTP_TLS=tls)
 *   SMTP_USER, SMTP_PASSWORD               SMTP auth (optional)
 *   SMTP_TLS                               starttls (default: required) | tls (implicit, port 465) | none
 *   SMTP_TLS_REJECT_UNAUTHORIZED           true (default) | false (self-signed relays)
 *   ALERT_EMAIL_FROM, ALERT_EMAIL_TO       sender; comma-separated default recipients
 *   GRAFANA_URL, GRAFANA_API_TOKEN         annotations (service account token, Editor role)
 *   DASHBOARD_BASE_URL                     links in messages (default GRAFANA_URL)
 *   DRIFTWATCH_ALERT_RULES                 rule directory (default ./alerts when it exists)
 *   DRIFTWATCH_ALERTS_ENABLED              true (default) | false: run no alert service in this instance
 *
 * A variable set to an empty value is unset (./unset-empty.ts).
 */
import { z } from 'zod'
import { problemLines } from '../validation-problems.js'
import { unsetEmpty, type Env } from './unset-empty.js'

export interface SmtpSettings {
  readonly url: string | null
  readonly host: string | null
  readonly port: number
  readonly user: string | null
  readonly password: string | null
  readonly tls: 'starttls' | 'tls' | 'none'
  readonly rejectUnauthorized: boolean
}

export interface AlertChannelsConfig {
  readonly enabled: boolean
  readonly rulesDir: string | null
  readonly slack: { readonly webhookUrl: string } | null
  readonly email: { readonly smtp: SmtpSettings; readonly from: string; readonly to: readonly string[] } | null
  readonly grafana: { readonly url: string; readonly apiToken: string } | null
  readonly dashboardBaseUrl: string | null
}

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
const emails = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.email('must be a comma-separated list of email addresses')).min(1, 'must list at least one address'))

/**
 * smtp://[user:pass@]host[:port] or smtps://... . Any `smtp:` string parses as a URL (the scheme is
 * not one of the web's), even `smtp:/user:pass@host` whose host is empty, and mail to an empty host
 * would go to localhost: the host must be there. The channel reads only the host, port, user and
 * password (src/alerts/channels/email.ts), so a path, query or fragment would be ignored: refused.
 * The message never shows the value, which holds the password.
 */
const SMTP_URL_SHAPE = 'must be smtp://[user:pass@]host[:port] or smtps://[user:pass@]host[:port] (the value is not shown, as it may hold a password)'
function isSmtpUrl(value: string): boolean {
  if (!/^smtps?:\/\//i.test(value)) return false
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  if (url.hostname === '') return false
  if (url.port !== '' && Number(url.port) < 1) return false
  return (url.pathname === '' || url.pathname === '/') && url.search === '' && url.hash === ''
}

const AlertEnvSchema = z.object({
  SLACK_WEBHOOK_URL: httpUrl.optional(),
  SMTP_URL: z.string().refine(isSmtpUrl, SMTP_URL_SHAPE).optional(),
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().optional(),
  SMTP_TLS: z.enum(['starttls', 'tls', 'none']).default('starttls'),
  SMTP_TLS_REJECT_UNAUTHORIZED: z.enum(['true', 'false']).default('true'),
  ALERT_EMAIL_FROM: z.email('must be an email address').default('driftwatch@localhost'),
  ALERT_EMAIL_TO: emails.optional(),
  GRAFANA_URL: httpUrl.optional(),
  GRAFANA_API_TOKEN: z.string().min(1).optional(),
  DASHBOARD_BASE_URL: httpUrl.optional(),
  DRIFTWATCH_ALERT_RULES: z.string().min(1).optional(),
  DRIFTWATCH_ALERTS_ENABLED: z.enum(['true', 'false']).default('true'),
})

export function parseAlertChannelsEnv(env: Env): { config: AlertChannelsConfig | null; problems: string[] } {
  const parsed = AlertEnvSchema.safeParse(unsetEmpty(env))
  if (!parsed.success) return { config: null, problems: problemLines(parsed.error.issues) }
  const e = parsed.data
  const problems: string[] = []
  if (Boolean(e.GRAFANA_URL) !== Boolean(e.GRAFANA_API_TOKEN)) problems.push('GRAFANA_URL, GRAFANA_API_TOKEN: set both or neither')
  if (e.SMTP_URL && e.SMTP_HOST) problems.push('SMTP_URL, SMTP_HOST: set one of them, not both')
  if (e.SMTP_PASSWORD && !e.SMTP_USER && !e.SMTP_URL) problems.push('SMTP_PASSWORD: needs SMTP_USER')
  if (problems.length) return { config: null, problems }
  const smtp: SmtpSettings | null =
    e.SMTP_URL || e.SMTP_HOST
      ? {
          url: e.SMTP_URL ?? null,
          host: e.SMTP_HOST ?? null,
          port: e.SMTP_PORT ?? (e.SMTP_TLS === 'tls' ? 465 : 587),
          user: e.SMTP_USER ?? null,
          password: e.SMTP_PASSWORD ?? null,
          tls: e.SMTP_TLS,
          rejectUnauthorized: e.SMTP_TLS_REJECT_UNAUTHORIZED === 'true',
        }
      : null
  return {
    problems,
    config: {
      enabled: e.DRIFTWATCH_ALERTS_ENABLED === 'true',
      rulesDir: e.DRIFTWATCH_ALERT_RULES ?? null,
      slack: e.SLACK_WEBHOOK_URL ? { webhookUrl: e.SLACK_WEBHOOK_URL } : null,
      email: smtp ? { smtp, from: e.ALERT_EMAIL_FROM, to: e.ALERT_EMAIL_TO ?? [] } : null,
      grafana: e.GRAFANA_URL && e.GRAFANA_API_TOKEN ? { url: e.GRAFANA_URL, apiToken: e.GRAFANA_API_TOKEN } : null,
      dashboardBaseUrl: e.DASHBOARD_BASE_URL ?? e.GRAFANA_URL ?? null,
    },
  }
}

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
import { choiceVar, httpUrlVar, listVar, portVar, urlProblem } from './env-values.js'
import { plainIssueMessage } from '../plain-issues.js'
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

const isEmail = (s: string) => z.email().safeParse(s).success
const emails = listVar('email address, like ml-oncall@example.com', (a) => (isEmail(a) ? null : `"${a}" is not an email address (the list is comma-separated)`))

/**
 * smtp://[user:pass@]host[:port] or smtps://... . Any `smtp:` string parses as a URL (the scheme is
 * not one of the web's), even `smtp:/user:pass@host` whose host is empty, and mail to an empty host
 * would go to localhost: the host must be there. The channel reads only the host, port, user and
 * password (src/alerts/channels/email.ts), so a path, query or fragment would be ignored: refused.
 * The message never shows the value, which holds the password.
 */
const SMTP_URL_SHAPE = 'must be smtp://[user:pass@]host[:port] or smtps://[user:pass@]host[:port] (the value is not shown, as it may hold a password)'
const smtpUrl = z.string().superRefine((value, ctx) => {
  // The scheme, host and port, as every URL variable is checked (./env-values.ts): the reason names only the part that is wrong.
  let problem = urlProblem(value, ['smtp', 'smtps'])
  if (problem === null) {
    const url = new URL(value)
    if (!((url.pathname === '' || url.pathname === '/') && url.search === '' && url.hash === '')) problem = 'it has a path, query or fragment, which would be ignored'
  }
  if (problem) ctx.addIssue({ code: 'custom', message: `${SMTP_URL_SHAPE}; ${problem}` })
})

const AlertEnvSchema = z.object({
  SLACK_WEBHOOK_URL: httpUrlVar('https://hooks.slack.com/services/...').optional(),
  SMTP_URL: smtpUrl.optional(),
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: portVar(1).optional(),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().optional(),
  SMTP_TLS: choiceVar(['starttls', 'tls', 'none']).default('starttls'),
  SMTP_TLS_REJECT_UNAUTHORIZED: choiceVar(['true', 'false']).default('true'),
  ALERT_EMAIL_FROM: z.string().refine(isEmail, { error: (iss) => `must be an email address, like driftwatch@example.com, got ${JSON.stringify(iss.input)}` }).default('driftwatch@localhost'),
  ALERT_EMAIL_TO: emails.optional(),
  GRAFANA_URL: httpUrlVar('http://grafana:3000').optional(),
  GRAFANA_API_TOKEN: z.string().min(1).optional(),
  DASHBOARD_BASE_URL: httpUrlVar('https://grafana.example.com').optional(),
  DRIFTWATCH_ALERT_RULES: z.string().min(1).optional(),
  DRIFTWATCH_ALERTS_ENABLED: choiceVar(['true', 'false']).default('true'),
})

export function parseAlertChannelsEnv(env: Env): { config: AlertChannelsConfig | null; problems: string[] } {
  const parsed = AlertEnvSchema.safeParse(unsetEmpty(env), { error: plainIssueMessage })
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

import { describe, expect, it } from 'vitest'
import { parseAlertChannelsEnv } from './alerts-env.js'
import { transportOptions } from '../alerts/channels/email.js'

describe('alert channel environment', () => {
  it('configures nothing by default', () => {
    expect(parseAlertChannelsEnv({})).toEqual({ problems: [], config: { enabled: true, rulesDir: null, slack: null, email: null, grafana: null, dashboardBaseUrl: null } })
  })

  it('reads every channel', () => {
    const { config } = parseAlertChannelsEnv({
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X', SMTP_HOST: 'mail', SMTP_USER: 'u', SMTP_PASSWORD: 'p', SMTP_TLS: 'tls',
      ALERT_EMAIL_TO: 'a@x.io, b@x.io', GRAFANA_URL: 'http://grafana:3000', GRAFANA_API_TOKEN: 'glsa_x', DRIFTWATCH_ALERTS_ENABLED: 'false',
    })
    expect(config).toMatchObject({
      enabled: false,
      slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/X' },
      email: { from: 'driftwatch@localhost', to: ['a@x.io', 'b@x.io'], smtp: { host: 'mail', port: 465, tls: 'tls', user: 'u', password: 'p', rejectUnauthorized: true } },
      grafana: { url: 'http://grafana:3000', apiToken: 'glsa_x' },
      dashboardBaseUrl: 'http://grafana:3000',
    })
  })

  it('reports problems by variable name, never with the secret', () => {
    const { problems } = parseAlertChannelsEnv({ SLACK_WEBHOOK_URL: 'not a url', GRAFANA_API_TOKEN: 'secret-token', ALERT_EMAIL_TO: 'nobody', SMTP_TLS: 'maybe' })
    const all = problems.join('\n')
    expect(all).toMatch(/SLACK_WEBHOOK_URL: must be an http:\/\/ or https:\/\/ URL, like https:\/\/hooks\.slack\.com\/services\/\.\.\.; it has no scheme/)
    expect(all).toMatch(/ALERT_EMAIL_TO/)
    expect(all).toMatch(/SMTP_TLS/)
    expect(all).not.toContain('secret-token')
    expect(parseAlertChannelsEnv({ GRAFANA_API_TOKEN: 'secret-token' }).problems).toEqual(['GRAFANA_URL, GRAFANA_API_TOKEN: set both or neither'])
  })

  it('refuses Slack, Grafana and dashboard URLs and an SMTP port out of range, saying which part is wrong and what was given', () => {
    const { problems } = parseAlertChannelsEnv({ SLACK_WEBHOOK_URL: 'https://hooks.slack.com:0/x', GRAFANA_URL: 'grafana:3000', GRAFANA_API_TOKEN: 't', DASHBOARD_BASE_URL: 'ftp://g', SMTP_HOST: 'm', SMTP_PORT: '65536', SMTP_TLS: 'ssl' })
    expect(problems).toEqual([
      'SLACK_WEBHOOK_URL: must be an http:// or https:// URL, like https://hooks.slack.com/services/...; its port 0 is out of range (1 to 65535)',
      'SMTP_PORT: must be a whole number from 1 to 65535, got "65536"',
      'SMTP_TLS: must be one of starttls, tls, none, got "ssl"',
      'GRAFANA_URL: must be an http:// or https:// URL, like http://grafana:3000; it has no scheme: write it before the host',
      'DASHBOARD_BASE_URL: must be an http:// or https:// URL, like https://grafana.example.com; its scheme is "ftp:"',
    ])
    expect(parseAlertChannelsEnv({ ALERT_EMAIL_FROM: 'me', ALERT_EMAIL_TO: 'a@x.io, oncall' }).problems).toEqual([
      'ALERT_EMAIL_FROM: must be an email address, like driftwatch@example.com, got "me"',
      'ALERT_EMAIL_TO: "oncall" is not an email address (the list is comma-separated)',
    ])
  })

  it('turns an SMTP URL into nodemailer options that keep the TLS settings', () => {
    const { config } = parseAlertChannelsEnv({ SMTP_URL: 'smtps://me%40x.io:p%3Ass@mail.x.io', SMTP_TLS_REJECT_UNAUTHORIZED: 'false' })
    expect(transportOptions(config!.email!.smtp)).toMatchObject({ host: 'mail.x.io', port: 465, secure: true, auth: { user: 'me@x.io', pass: 'p:ss' }, tls: { rejectUnauthorized: false } })
    const plain = parseAlertChannelsEnv({ SMTP_HOST: '127.0.0.1', SMTP_PORT: '2525', SMTP_TLS: 'none' }).config!
    expect(transportOptions(plain.email!.smtp)).toMatchObject({ host: '127.0.0.1', port: 2525, secure: false, ignoreTLS: true, requireTLS: false, auth: undefined })
  })

  it('refuses an SMTP_URL without a host (mail would go to localhost), a port 0 or a part the channel ignores, without showing the value', () => {
    for (const bad of ['smtp:/user:S3CRETPW@host', 'smtp:user:S3CRETPW@host', 'smtp://', 'smtp://user:S3CRETPW@', 'smtp://user:S3CRETPW@:25', 'smtp://host:0', 'smtp://host:99999', 'smtp://host/S3CRETPW', 'smtp://host?pool=S3CRETPW', 'smtp://host#S3CRETPW', 'http://S3CRETPW@host']) {
      const { config, problems } = parseAlertChannelsEnv({ SMTP_URL: bad })
      expect([config, problems], bad).toEqual([null, [expect.stringMatching(/^SMTP_URL: must be smtp:\/\/\[user:pass@\]host\[:port\] or smtps:\/\/\[user:pass@\]host\[:port\] \(the value is not shown, as it may hold a password\); \S/)]])
      expect(problems.join(), bad).not.toContain('S3CRETPW')
    }
    for (const [good, host, port] of [['smtp://mail', 'mail', 587], ['smtps://u:p@mail.x.io:2465/', 'mail.x.io', 2465], ['SMTP://[::1]:25', '[::1]', 25]] as const) {
      const { config, problems } = parseAlertChannelsEnv({ SMTP_URL: good })
      expect(problems, good).toEqual([])
      expect(transportOptions(config!.email!.smtp), good).toMatchObject({ host, port })
    }
  })

  it('an empty variable (compose passes ${VAR:-} on as "") is unset, not a value to refuse', () => {
    const names = ['SLACK_WEBHOOK_URL', 'SMTP_URL', 'SMTP_HOST', 'SMTP_PORT', 'SMTP_USER', 'SMTP_PASSWORD', 'SMTP_TLS', 'SMTP_TLS_REJECT_UNAUTHORIZED', 'ALERT_EMAIL_FROM', 'ALERT_EMAIL_TO', 'GRAFANA_URL', 'GRAFANA_API_TOKEN', 'DASHBOARD_BASE_URL', 'DRIFTWATCH_ALERT_RULES', 'DRIFTWATCH_ALERTS_ENABLED']
    const unset = parseAlertChannelsEnv({})
    for (const name of names) for (const empty of ['', '  ']) expect(parseAlertChannelsEnv({ [name]: empty }), `${name}=${JSON.stringify(empty)}`).toEqual(unset)
    const { config, problems } = parseAlertChannelsEnv({ SMTP_HOST: 'mail', SMTP_PORT: '', SMTP_USER: '', SMTP_PASSWORD: '', SLACK_WEBHOOK_URL: '', ALERT_EMAIL_TO: 'a@x.io' })
    expect(problems).toEqual([])
    expect(config).toMatchObject({ slack: null, email: { smtp: { host: 'mail', port: 587, user: null, password: null } } })
  })
})

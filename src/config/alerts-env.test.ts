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
    expect(all).toMatch(/SLACK_WEBHOOK_URL: must be an http\(s\) URL/)
    expect(all).toMatch(/ALERT_EMAIL_TO/)
    expect(all).toMatch(/SMTP_TLS/)
    expect(all).not.toContain('secret-token')
    expect(parseAlertChannelsEnv({ GRAFANA_API_TOKEN: 'secret-token' }).problems).toEqual(['GRAFANA_URL, GRAFANA_API_TOKEN: set both or neither'])
  })

  it('turns an SMTP URL into nodemailer options that keep the TLS settings', () => {
    const { config } = parseAlertChannelsEnv({ SMTP_URL: 'smtps://me%40x.io:p%3Ass@mail.x.io', SMTP_TLS_REJECT_UNAUTHORIZED: 'false' })
    expect(transportOptions(config!.email!.smtp)).toMatchObject({ host: 'mail.x.io', port: 465, secure: true, auth: { user: 'me@x.io', pass: 'p:ss' }, tls: { rejectUnauthorized: false } })
    const plain = parseAlertChannelsEnv({ SMTP_HOST: '127.0.0.1', SMTP_PORT: '2525', SMTP_TLS: 'none' }).config!
    expect(transportOptions(plain.email!.smtp)).toMatchObject({ host: '127.0.0.1', port: 2525, secure: false, ignoreTLS: true, requireTLS: false, auth: undefined })
  })
})

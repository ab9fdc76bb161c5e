/** The channels configured in the environment, as senders. */
import type { AlertChannelsConfig } from '../../config/alerts-env.js'
import { emailSender } from './email.js'
import { grafanaSender } from './grafana.js'
import { slackSender } from './slack.js'
import type { ChannelSender } from './types.js'

export function buildSenders(c: AlertChannelsConfig): ChannelSender[] {
  return [
    ...(c.slack ? [slackSender({ webhookUrl: c.slack.webhookUrl })] : []),
    ...(c.email ? [emailSender({ smtp: c.email.smtp, from: c.email.from, to: c.email.to })] : []),
    ...(c.grafana ? [grafanaSender({ url: c.grafana.url, apiToken: c.grafana.apiToken })] : []),
  ]
}

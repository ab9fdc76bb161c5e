/** The channels configured in the environment, as senders. */
import type { AlertChannelsConfig } from '../../config/alerts-env.js'
import { describeError } from '../../errors.js'
import { deliveryId, type DeliveryScope } from '../notification.js'
import { emailSender } from './email.js'
import { grafanaSender } from './grafana.js'
import { slackSender } from './slack.js'
import { deliveryError, type ChannelSender } from './types.js'

/**
 * With `scope` (as `driftwatch start` builds them: create-alert-service.ts), every sender is given
 * the deployment's notification id (notification.ts `deliveryId`) for the outbox key; without it
 * (tests), the outbox key itself.
 */
export function buildSenders(c: AlertChannelsConfig, scope?: () => Promise<DeliveryScope>): ChannelSender[] {
  const senders = [
    ...(c.slack ? [slackSender({ webhookUrl: c.slack.webhookUrl })] : []),
    ...(c.email ? [emailSender({ smtp: c.email.smtp, from: c.email.from, to: c.email.to })] : []),
    ...(c.grafana ? [grafanaSender({ url: c.grafana.url, apiToken: c.grafana.apiToken })] : []),
  ]
  return scope ? senders.map((s) => scopedSender(s, scope)) : senders
}

/**
 * `sender` sending under the deployment's notification id instead of the outbox key: the attempt's
 * `idempotencyKey` is what a sender shows the receiver (Message-ID, Grafana tag, Slack context),
 * and the outbox key repeats across databases. A scope that cannot be read (ClickHouse away) fails
 * the attempt before anything is sent: retriable, not in doubt.
 */
export function scopedSender(sender: ChannelSender, scope: () => Promise<DeliveryScope>): ChannelSender {
  return {
    name: sender.name,
    ...(sender.maxSendMs === undefined ? {} : { maxSendMs: sender.maxSendMs }),
    ...(sender.minIntervalMs === undefined ? {} : { minIntervalMs: sender.minIntervalMs }),
    ...(sender.cannotSend ? { cannotSend: sender.cannotSend.bind(sender) } : {}),
    async send(n, a) {
      let s: DeliveryScope
      try {
        s = await scope()
      } catch (cause) {
        throw deliveryError(`${sender.name}: not sent: this deployment's id could not be read from ClickHouse (${describeError(cause)})`, { retriable: true, inDoubt: false, cause })
      }
      return sender.send(n, { ...a, idempotencyKey: deliveryId(s, n.windowStartMs, a.idempotencyKey) })
    },
  }
}

/**
 * The hook called once per notification attempt outcome: the alert service's channel lanes
 * (src/alerts/dispatcher.ts) record each attempt, the service records suppressed transitions.
 * They receive an `AlertDeliveryRecorder` (no prom-client import, no global): the composition
 * root passes `alertDeliveryRecorder(metrics)` when it has metrics, else NO_ALERT_DELIVERIES.
 *
 *   recorder.delivered('slack', 'sent')      // the webhook answered 2xx
 *   recorder.delivered('email', 'failed')    // given up (after retries, or not retriable)
 *   recorder.delivered('slack', 'unknown')   // given up in doubt: the receiver may have it (row status 'unknown')
 *   recorder.delivered('email', 'retried')   // one failed attempt that will be retried
 *   recorder.delivered('grafana', 'suppressed') // a transition never to be notified: nothing sent
 *
 * Exported as driftwatch_alert_deliveries_total{channel,status}.
 */
import type { DriftwatchMetrics } from './metrics.js'

export const ALERT_DELIVERY_STATUSES = ['sent', 'failed', 'unknown', 'retried', 'suppressed'] as const
export type AlertDeliveryStatus = (typeof ALERT_DELIVERY_STATUSES)[number]

export interface AlertDeliveryRecorder {
  /** `channel` is the channel's kind ('slack', 'email', 'grafana'), never a URL or an address. */
  delivered(channel: string, status: AlertDeliveryStatus, count?: number): void
}

export const NO_ALERT_DELIVERIES: AlertDeliveryRecorder = { delivered: () => undefined }

export function alertDeliveryRecorder(metrics: Pick<DriftwatchMetrics, 'alertDeliveries'>): AlertDeliveryRecorder {
  return {
    delivered(channel, status, count = 1) {
      metrics.alertDeliveries.inc({ channel, status }, count)
    },
  }
}

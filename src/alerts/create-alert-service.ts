/**
 * The alert service as `driftwatch start` runs it: rules loaded and validated from the rule
 * directory (a bad file stops the start with DW_CONFIG_INVALID, every problem listed), channels
 * from the environment. Warns about rules whose channels are all unconfigured here: while this
 * instance leads the alerts, their notifications wait in the outbox for a leader that has one.
 */
import type { FileConfig } from '../config/file.js'
import type { AlertDeliveryRecorder } from '../observability/alert-deliveries.js'
import type { Logger } from '../observability/logger.js'
import type { Store } from '../store/clickhouse.js'
import type { AlertChannelsConfig } from '../config/alerts-env.js'
import { loadRules, rulesDirectory } from './load-rules.js'
import { AlertService, type AlertServiceDeps } from './service.js'

export interface CreateAlertServiceOptions {
  readonly store: Store
  readonly file: FileConfig
  readonly channels: AlertChannelsConfig
  readonly logger: Logger
  readonly now?: () => number
  /** Retry policy of deliveries (default DEFAULT_DELIVERY); tests shorten the backoff. */
  readonly delivery?: AlertServiceDeps['delivery']
  /** Counts delivery outcomes (driftwatch_alert_deliveries_total); default: not counted. */
  readonly deliveries?: AlertDeliveryRecorder
  /** Asked before every send (AlertServiceDeps.mayDeliver). */
  readonly mayDeliver?: () => boolean
}

export function createAlertService(o: CreateAlertServiceOptions): AlertService {
  const dir = rulesDirectory(o.channels.rulesDir)
  const rules = loadRules(dir)
  const service = new AlertService({ store: o.store, rules, file: o.file, channels: o.channels, logger: o.logger, now: o.now, delivery: o.delivery, deliveries: o.deliveries, mayDeliver: o.mayDeliver })
  const configured = new Set(service.channels)
  for (const r of rules.rules) {
    if (!r.channels.some((c) => configured.has(c))) o.logger.warn({ rule: r.name, channels: r.channels }, 'none of this rule\'s channels is configured here: while this instance leads the alerts, its notifications stay pending for a leader that has one')
  }
  o.logger.info({ dir, rules: rules.rules.length, silences: rules.silences.length, channels: [...configured] }, 'alert rules loaded')
  return service
}

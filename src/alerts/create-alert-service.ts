/**
 * The alert service as `driftwatch start` runs it: rules loaded and validated from the rule
 * directory (a bad file stops the start with DW_CONFIG_INVALID, every problem listed), channels
 * from the environment, sending under this deployment's notification ids (notification.ts deliveryId).
 *
 * Warns once per channel that rules name (explicitly, or by default: a rule without `channels`
 * names all three) and this instance cannot send on, naming the rules: while this instance leads
 * the alerts, those notifications wait in the outbox, `pending` in `driftwatch alerts list`, for a
 * leader that has the channel (service.ts), and in a deployment where none has it they wait for
 * good. Likewise for email with no recipient, and for a channel configured that no rule names.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FileConfig } from '../config/file.js'
import type { AlertDeliveryRecorder } from '../observability/alert-deliveries.js'
import type { Logger } from '../observability/logger.js'
import type { Store } from '../store/clickhouse.js'
import { MIGRATIONS_DIR, parseMigration } from '../store/migrate.js'
import type { AlertChannelsConfig } from '../config/alerts-env.js'
import type { RuleSet } from '../rules/parse.js'
import { CHANNELS, type ChannelName } from '../rules/schema.js'
import { buildSenders } from './channels/senders.js'
import { BUNDLED_RULES_DIR, loadRules, rulesDirectory } from './load-rules.js'
import type { DeliveryScope } from './notification.js'
import { AlertService, type AlertServiceDeps } from './service.js'
import { queryRows } from './sql.js'

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
  /** The rules, loaded already (startApp loads them before it opens the store); default: loaded from channels.rulesDir. */
  readonly rules?: RuleSet
}

export function createAlertService(o: CreateAlertServiceOptions): AlertService {
  const dir = rulesDirectory(o.channels.rulesDir)
  const rules = o.rules ?? loadRules(dir)
  const senders = buildSenders(o.channels, deploymentScope(o.store))
  const service = new AlertService({ store: o.store, rules, file: o.file, channels: o.channels, logger: o.logger, now: o.now, delivery: o.delivery, deliveries: o.deliveries, mayDeliver: o.mayDeliver, senders })
  warnChannelMismatches(rules, o.channels, dir, o.logger)
  o.logger.info({ dir, rules: rules.rules.length, silences: rules.silences.length, channels: service.channels }, 'alert rules loaded')
  return service
}

/** What configures each channel (src/config/alerts-env.ts). */
const CHANNEL_SETTINGS: Record<ChannelName, string> = {
  slack: 'SLACK_WEBHOOK_URL',
  email: 'SMTP_HOST (or SMTP_URL) and ALERT_EMAIL_TO',
  grafana: 'GRAFANA_URL and GRAFANA_API_TOKEN',
}

/** The warnings of the file comment: one line per channel, naming every rule it concerns. */
export function warnChannelMismatches(rules: RuleSet, channels: AlertChannelsConfig, dir: string, logger: Pick<Logger, 'warn'>): void {
  const configured = new Set<ChannelName>(CHANNELS.filter((c) => channels[c] !== null))
  const edit = dir === BUNDLED_RULES_DIR ? 'a copy of the default rules in a directory of your own, set as DRIFTWATCH_ALERT_RULES' : `the rule files in ${dir}`
  for (const c of CHANNELS) {
    const naming = rules.rules.filter((r) => r.channels.includes(c)).map((r) => r.name)
    if (naming.length === 0) {
      if (configured.has(c)) logger.warn({ channel: c }, `alert channel ${c} is configured but no alert rule names it in its channels: nothing is sent there`)
      continue
    }
    if (!configured.has(c)) {
      logger.warn(
        { channel: c, rules: naming, dir },
        `alert channel ${c} is named by ${naming.length} rule${naming.length === 1 ? '' : 's'} (a rule without channels names all three) but not configured here: ` +
          `while this instance leads the alerts, their ${c} notifications stay pending for a leader that has it. Set ${CHANNEL_SETTINGS[c]}, or take ${c} out of the channels of these rules (${edit})`,
      )
    }
  }
  if (channels.email && channels.email.to.length === 0) {
    const unaddressed = rules.rules.filter((r) => r.channels.includes('email') && !r.emailTo).map((r) => r.name)
    if (unaddressed.length > 0) {
      logger.warn({ channel: 'email', rules: unaddressed }, 'alert rules send email but have no recipient here: their emails stay pending for a leader that has one. Set ALERT_EMAIL_TO, or emailTo in these rules')
    }
  }
}

const FIRST_DEPLOYMENT_ID = 'SELECT deployment_id FROM {db}.deployment ORDER BY created_at, deployment_id LIMIT 1'

/** The migration that makes the `deployment` table and its id. */
const DEPLOYMENT_MIGRATION = '0018_deployment.sql'

/**
 * The migration's own INSERT of a deployment id into a table with no row, for `database`, read
 * from the file: one statement makes the id of a fresh database and of a table found empty, with
 * no copy to drift from it. Migrations are recorded by version, not by text
 * (src/store/migrate.ts): a database that ran this one never reads the file again.
 */
export function deploymentIdInsert(database: string, dir = MIGRATIONS_DIR): string {
  const { statements } = parseMigration(DEPLOYMENT_MIGRATION, readFileSync(join(dir, DEPLOYMENT_MIGRATION), 'utf8'), database)
  const insert = statements.find((s) => /^INSERT INTO\b/m.test(s))
  if (insert === undefined) throw new Error(`${DEPLOYMENT_MIGRATION} holds no INSERT of the deployment id`)
  return insert
}

/**
 * This deployment's delivery scope: its id (table `deployment`, made by
 * schemas/clickhouse/0018_deployment.sql) and its database. Read at the first send and kept; a
 * failed read is tried again at the next one. Of two ids inserted by starts in step, every reader
 * takes the earliest (the migration's comment). A table found empty (its row deleted by hand) gets
 * a new id by the migration's own statement (deploymentIdInsert).
 */
export function deploymentScope(store: Store): () => Promise<DeliveryScope> {
  let scope: Promise<DeliveryScope> | null = null
  const read = async (): Promise<DeliveryScope> => {
    let rows = await queryRows<{ deployment_id: string }>(store, FIRST_DEPLOYMENT_ID)
    if (rows.length === 0) {
      await store.client.command({ query: deploymentIdInsert(store.database) })
      rows = await queryRows<{ deployment_id: string }>(store, FIRST_DEPLOYMENT_ID)
    }
    const deploymentId = rows[0]?.deployment_id
    if (!deploymentId) throw new Error(`${store.database}.deployment holds no deployment id`)
    return { deploymentId, database: store.database }
  }
  return () =>
    (scope ??= read().catch((e: unknown) => {
      scope = null
      throw e
    }))
}

/**
 * What a notification says, the same for every channel: built once when it is enqueued and
 * stored as the outbox row's payload, so a delivery after a restart sends exactly what was
 * decided, with nothing recomputed. Pure.
 */
import { createHash } from 'node:crypto'
import type { Rule } from '../rules/schema.js'
import { alertKey } from './lifecycle.js'
import { conditionText, metricLabel, subjectLabel } from '../rules/symbols.js'
import type { NotificationGroup } from './notify-policy.js'

/** The model dashboard's uid (dashboards/json): a model's alerts link to it and are annotated on it. */
export const MODEL_DASHBOARD_UID = 'driftwatch-model-overview'
/** The pipeline health dashboard's uid: the same for alerts of the deployment itself (dlq_rate), which name no model. */
export const PIPELINE_DASHBOARD_UID = 'driftwatch-pipeline-health'

/** The dashboard that shows an alert, and the words of the link to it. */
export interface AlertDashboard {
  readonly uid: string
  readonly linkText: string
}

/**
 * Every metric kind but dlq_rate is measured per model and window, and the model overview (with
 * its model and version) shows it; dlq_rate is measured per topic and period, with model '' (the
 * records failed to decode, so they name none), and pipeline health shows dead letters.
 */
export function alertDashboard(modelId: string): AlertDashboard {
  return modelId === ''
    ? { uid: PIPELINE_DASHBOARD_UID, linkText: 'Open the pipeline health dashboard for this period' }
    : { uid: MODEL_DASHBOARD_UID, linkText: 'Open the model dashboard for this window' }
}

export interface NotificationItem {
  readonly subject: string
  readonly value: number | null
}

export interface Notification {
  readonly status: 'firing' | 'resolved'
  readonly rule: string
  readonly description: string | null
  readonly severity: string
  readonly runbook: string | null
  readonly metric: string
  /** e.g. "feature drift psi >= 0.2 for 2 consecutive windows" */
  readonly condition: string
  readonly op: string
  readonly threshold: number
  /** What subjects are ('feature', 'attribute', ...; '' when the metric has none). */
  readonly subjectLabel: string
  readonly modelId: string
  readonly modelVersion: string
  readonly windowStartMs: number
  readonly windowEndMs: number
  /** Every subject of the group, the worst first. */
  readonly items: readonly NotificationItem[]
  /** Extra context, e.g. the drifted features behind a dataset drift share. */
  readonly details: readonly string[]
  readonly transitionIds: readonly string[]
  readonly dashboardUrl: string | null
  /**
   * The rule's own email recipients (null: the configured default). After a delivery that reached
   * some recipients and was deferred (SMTP 4xx) for others, the outbox row's copy lists only the
   * deferred ones (channels/email.ts), so a retry leaves out who already has the message.
   */
  readonly emailTo: readonly string[] | null
  /**
   * Why a resolve happened when no evaluation decided it, in words: its rule is no longer loaded
   * (rule-removal.ts). Absent otherwise, and in notifications stored before it existed.
   */
  readonly reason?: string
  /** Email recipients the relay refused for good (SMTP 5xx) on an earlier attempt of this row, with its reply. */
  readonly notDelivered?: readonly string[]
  readonly createdAtMs: number
}

/**
 * hash(channel, transitions): one key per notification and channel, the same on every retry and
 * replay. Unique within one database only: transition ids restart at 1 in every database (and in
 * one database once retention removed a key's history), so receivers are given `deliveryId`.
 */
export function idempotencyKey(channel: string, transitionIds: readonly string[]): string {
  return createHash('sha256').update(`${channel}\n${[...transitionIds].sort().join('\n')}`).digest('hex').slice(0, 32)
}

/** What tells one deployment's notifications from another's: its id (table `deployment`) and its database. */
export interface DeliveryScope {
  readonly deploymentId: string
  readonly database: string
}

/**
 * The notification id receivers see (email Message-ID, Grafana's driftwatch-id tag, the Slack
 * context line): hash(deployment id, database, window start, outbox key). Receivers shared
 * between deployments (staging and production, per-tenant databases, a demo) compare these ids,
 * and the outbox key alone repeats across them; the window start tells apart a transition id
 * that repeats in one database after retention removed its key's history. Stable across retries
 * and restarts: every part is stored (the key and the window in the outbox row), which the
 * Grafana lookup of an in-doubt re-send relies on.
 */
export function deliveryId(scope: DeliveryScope, windowStartMs: number, key: string): string {
  return createHash('sha256').update(`${scope.deploymentId}\n${scope.database}\n${windowStartMs}\n${key}`).digest('hex').slice(0, 32)
}

const grafanaValue = (text: string) => Buffer.from(text, 'utf8').toString('hex').toUpperCase()

/**
 * The alert's dashboard (alertDashboard) over the window and the 7 windows before it: the model
 * overview with the model and version selected, or pipeline health (no variables) over the period.
 */
export function dashboardUrl(baseUrl: string | null, modelId: string, modelVersion: string, startMs: number, endMs: number): string | null {
  if (!baseUrl) return null
  const len = Math.max(1, endMs - startMs)
  const q = new URLSearchParams({ from: String(startMs - 7 * len), to: String(endMs + len) })
  // The dashboards' variables take the uppercase hex of a value's UTF-8 bytes (docs/dashboards.md, "Variables").
  if (modelId) q.set('var-model', grafanaValue(modelId))
  if (modelVersion) q.set('var-version', grafanaValue(modelVersion))
  return `${baseUrl.replace(/\/+$/, '')}/d/${alertDashboard(modelId).uid}?${q.toString()}`
}

function worstFirst(op: string): (a: NotificationItem, b: NotificationItem) => number {
  const v = (x: NotificationItem) => x.value ?? Number.NaN
  const dir = op.startsWith('<') ? 1 : -1
  return (a, b) => {
    const d = (v(a) - v(b)) * dir
    return Number.isNaN(d) || d === 0 ? a.subject.localeCompare(b.subject) : d
  }
}

export function buildNotification(group: NotificationGroup, rule: Rule | undefined, dashboardBaseUrl: string | null, nowMs: number): Notification {
  const first = group.transitions[0]!
  const op = rule?.condition.op ?? ''
  return {
    status: group.status,
    rule: group.rule,
    description: rule?.description ?? null,
    severity: first.severity,
    runbook: rule?.runbook ?? null,
    metric: rule ? metricLabel(rule) : first.metric,
    condition: rule ? conditionText(rule) : `${first.metric} vs ${first.threshold}`,
    op,
    threshold: first.threshold,
    subjectLabel: rule ? subjectLabel(rule) : '',
    modelId: group.modelId,
    modelVersion: group.modelVersion,
    windowStartMs: group.windowStartMs,
    windowEndMs: group.windowEndMs,
    items: group.transitions.map((t) => ({ subject: t.subject, value: t.value })).sort(worstFirst(op)),
    details: [...new Set(group.transitions.flatMap((t) => t.details))],
    transitionIds: group.transitions.map((t) => t.transitionId),
    dashboardUrl: dashboardUrl(dashboardBaseUrl, group.modelId, group.modelVersion, group.windowStartMs, group.windowEndMs),
    emailTo: rule?.emailTo ?? null,
    createdAtMs: nowMs,
  }
}

/** The notification without these transitions (and their subjects): what is left to say once another notification delivered them. */
export function withoutTransitions(n: Notification, delivered: ReadonlySet<string>): Notification {
  if (delivered.size === 0) return n
  const keys = new Set([...delivered].map((id) => id.slice(0, id.lastIndexOf('#'))))
  return {
    ...n,
    transitionIds: n.transitionIds.filter((id) => !delivered.has(id)),
    items: n.items.filter((i) => !keys.has(alertKey(n.rule, n.modelId, n.modelVersion, i.subject))),
  }
}

/**
 * A notification as the outbox stores it (JSON text). JSON has no infinities and JSON.stringify
 * writes them as null, which would turn an rmse of inf into "n/a" in the message: an item's
 * `value` and the `threshold` that are ±∞ are written as "Infinity" / "-Infinity" and read back.
 */
export function encodeNotification(n: Notification): string {
  return JSON.stringify(n, (key, v: unknown) => (INFINITE_KEYS.has(key) && typeof v === 'number' && !Number.isFinite(v) && !Number.isNaN(v) ? (v > 0 ? 'Infinity' : '-Infinity') : v))
}

export function decodeNotification(text: string): Notification {
  return JSON.parse(text, (key, v: unknown) => (INFINITE_KEYS.has(key) && (v === 'Infinity' || v === '-Infinity') ? (v === 'Infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY) : v)) as Notification
}
const INFINITE_KEYS: ReadonlySet<string> = new Set(['value', 'threshold'])


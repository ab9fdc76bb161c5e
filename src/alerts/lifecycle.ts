/**
 * Alert lifecycle: an alert key (rule, model, version, subject) is firing or resolved. A series
 * that breaches while its key is not firing fires; a firing key whose series is clear resolves.
 * 'unknown' changes nothing, so missing data neither fires nor resolves. A firing key whose rule is
 * no longer loaded resolves too, with a reason (rule-removal.ts). Each transition gets
 * the next sequence number of its key; '<key>#<seq>' names it everywhere after (history,
 * outbox, idempotency keys). Pure.
 */
import type { SeriesVerdict } from '../rules/evaluate.js'
import type { Rule } from '../rules/schema.js'

export type AlertStatus = 'firing' | 'resolved'

export interface AlertState {
  readonly alertKey: string
  readonly status: AlertStatus
  readonly seq: number
  readonly transitionId: string
  readonly changedAtMs: number
}

export interface Transition {
  readonly transitionId: string
  readonly alertKey: string
  readonly seq: number
  readonly status: AlertStatus
  readonly rule: string
  readonly metric: string
  readonly modelId: string
  readonly modelVersion: string
  readonly subject: string
  readonly severity: string
  readonly value: number | null
  readonly threshold: number
  readonly windowStartMs: number
  readonly windowEndMs: number
  readonly changedAtMs: number
  /** Extra context of the newest window (e.g. drifted features), or what changed the state without one (rule-removal.ts). */
  readonly details: readonly string[]
  /**
   * Why the state changed when no evaluation of the rule decided it; absent when one did. The only
   * one: RULE_REMOVED (rule-removal.ts), a firing key whose rule is no longer loaded.
   */
  readonly reason?: string
}

/** Collision-free and readable: each part URI-encoded, joined by '|'. */
export const alertKey = (rule: string, modelId: string, modelVersion: string, subject: string): string =>
  [rule, modelId, modelVersion, subject].map(encodeURIComponent).join('|')

export const transitionId = (key: string, seq: number): string => `${key}#${seq}`

export function transitions(rule: Rule, verdicts: readonly SeriesVerdict[], states: ReadonlyMap<string, AlertState>, nowMs: number): Transition[] {
  const out: Transition[] = []
  for (const v of verdicts) {
    const key = alertKey(rule.name, v.modelId, v.modelVersion, v.subject)
    const state = states.get(key)
    const firing = state?.status === 'firing'
    let status: AlertStatus | null = null
    if (v.state === 'breaching' && !firing) status = 'firing'
    else if (v.state === 'clear' && firing) status = 'resolved'
    if (status === null) continue
    const seq = (state?.seq ?? 0) + 1
    out.push({
      transitionId: transitionId(key, seq),
      alertKey: key,
      seq,
      status,
      rule: rule.name,
      metric: rule.metric,
      modelId: v.modelId,
      modelVersion: v.modelVersion,
      subject: v.subject,
      severity: rule.severity,
      value: v.latest.value,
      threshold: rule.condition.threshold,
      windowStartMs: v.latest.windowStartMs,
      windowEndMs: v.latest.windowEndMs,
      // A key changes at most once per pass, so (key, changed_at) is unique in the history table.
      changedAtMs: Math.max(nowMs, (state?.changedAtMs ?? 0) + 1),
      details: v.latest.details ?? [],
    })
  }
  return out
}

/**
 * Which recorded transitions to notify now, which to skip for good, and which to hold. Pure.
 *
 * - A firing that is no longer its key's newest transition (it resolved while held) is skipped.
 * - A firing is held while a silence matches it, and while the key's previous firing
 *   notification is younger than the rule's cooldown; it is notified when that ends, if the
 *   key is still firing.
 * - A resolve is notified only when its firing was; it is held while a silence matches it.
 * - Transitions to notify are grouped by (rule, model, version, status, window): many drifted
 *   features of one model in one window make one message.
 */
import type { Rule } from '../rules/schema.js'
import { transitionId, type Transition } from './lifecycle.js'

export interface ActiveSilence {
  readonly id: string
  /** '' matches any rule / model. */
  readonly rule: string
  readonly modelId: string
  readonly startsMs: number
  readonly endsMs: number
}

export interface PolicyInput {
  /** Recorded transitions with no outbox row yet, oldest first. */
  readonly pending: readonly Transition[]
  /** Each key's newest transition id. */
  readonly latest: ReadonlyMap<string, string>
  /** Transitions already notified (an outbox row on a real channel). */
  readonly notified: ReadonlySet<string>
  /** When each key's newest firing notification was created. */
  readonly lastFiringNotifiedMs: ReadonlyMap<string, number>
  readonly silences: readonly ActiveSilence[]
  readonly rules: ReadonlyMap<string, Rule>
  readonly nowMs: number
}

export interface NotificationGroup {
  readonly rule: string
  readonly modelId: string
  readonly modelVersion: string
  readonly status: Transition['status']
  readonly windowStartMs: number
  readonly windowEndMs: number
  readonly transitions: readonly Transition[]
}

export interface PolicyDecision {
  readonly groups: NotificationGroup[]
  readonly skipped: { transition: Transition; reason: string }[]
  readonly held: { transition: Transition; reason: string }[]
}

export function silencedBy(silences: readonly ActiveSilence[], t: Pick<Transition, 'rule' | 'modelId'>, nowMs: number): ActiveSilence | undefined {
  return silences.find((s) => s.startsMs <= nowMs && nowMs < s.endsMs && (s.rule === '' || s.rule === t.rule) && (s.modelId === '' || s.modelId === t.modelId))
}

export function decideNotifications(input: PolicyInput): PolicyDecision {
  const skipped: PolicyDecision['skipped'] = []
  const held: PolicyDecision['held'] = []
  const chosen: Transition[] = []
  const notified = new Set(input.notified)
  const ordered = [...input.pending].sort((a, b) => a.changedAtMs - b.changedAtMs || a.transitionId.localeCompare(b.transitionId))
  for (const t of ordered) {
    const silence = silencedBy(input.silences, t, input.nowMs)
    if (t.status === 'firing') {
      if (input.latest.get(t.alertKey) !== t.transitionId) {
        skipped.push({ transition: t, reason: 'resolved before it was notified' })
        continue
      }
      if (silence) {
        held.push({ transition: t, reason: `silenced by ${silence.id}` })
        continue
      }
      const cooldownMs = input.rules.get(t.rule)?.cooldown ?? 0
      const last = input.lastFiringNotifiedMs.get(t.alertKey)
      if (cooldownMs > 0 && last !== undefined && input.nowMs < last + cooldownMs) {
        held.push({ transition: t, reason: `cooldown until ${new Date(last + cooldownMs).toISOString()}` })
        continue
      }
    } else {
      if (!notified.has(transitionId(t.alertKey, t.seq - 1))) {
        skipped.push({ transition: t, reason: 'its firing was not notified' })
        continue
      }
      if (silence) {
        held.push({ transition: t, reason: `silenced by ${silence.id}` })
        continue
      }
    }
    chosen.push(t)
    notified.add(t.transitionId)
  }
  return { groups: groupTransitions(chosen), skipped, held }
}

export function groupTransitions(transitions: readonly Transition[]): NotificationGroup[] {
  const groups = new Map<string, NotificationGroup & { transitions: Transition[] }>()
  for (const t of transitions) {
    const k = JSON.stringify([t.rule, t.modelId, t.modelVersion, t.status, t.windowStartMs])
    const g = groups.get(k)
    if (g) g.transitions.push(t)
    else groups.set(k, { rule: t.rule, modelId: t.modelId, modelVersion: t.modelVersion, status: t.status, windowStartMs: t.windowStartMs, windowEndMs: t.windowEndMs, transitions: [t] })
  }
  return [...groups.values()]
}

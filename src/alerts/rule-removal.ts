/**
 * Alerts of a rule that is no longer loaded (taken out of the rule files, or renamed: a rename is
 * a removal plus an addition). Nothing evaluates such a rule, so nothing would ever resolve its
 * firing keys. The alerts leader's pass resolves them (service.ts), each with a transition like
 * any resolve: the key's next sequence number, the window of its firing (no newer window was
 * evaluated for it), no value, and the reason RULE_REMOVED, stored with the transition
 * (history.ts) and said in its details. Silences are left as they are.
 *
 * Their notifications follow the policy of every resolve (notify-policy.ts): a resolve is notified
 * when its firing was, and held while a silence matches it. The rule that named the channels and
 * worded the message is gone, so the firing's stored notification stands in for it: the resolve
 * goes to the channels the firing went to, in the firing's words, saying why it resolved.
 * Pure.
 */
import type { ChannelName } from '../rules/schema.js'
import { transitionId, type Transition } from './lifecycle.js'
import { buildNotification, decodeNotification, type Notification } from './notification.js'
import type { NotificationGroup } from './notify-policy.js'
import type { OutboxRow } from './outbox.js'

/** The reason of a resolve whose rule is no longer loaded (Transition.reason). */
export const RULE_REMOVED = 'rule removed'

/** What the history and the resolve notification say about it. */
export const ruleRemovedText = (rule: string): string => `rule removed: no loaded alert rule is named ${rule} any more, so nothing evaluates it`

/** Resolves of the firing keys (each key's newest transition) whose rule is not `loaded`. */
export function ruleRemovedResolutions(newest: readonly Transition[], loaded: { has(rule: string): boolean }, nowMs: number): Transition[] {
  return newest
    .filter((t) => t.status === 'firing' && !loaded.has(t.rule))
    .map((t) => ({
      ...t,
      transitionId: transitionId(t.alertKey, t.seq + 1),
      seq: t.seq + 1,
      status: 'resolved' as const,
      value: null,
      // As lifecycle.ts: a key changes at most once per pass, after its previous change.
      changedAtMs: Math.max(nowMs, t.changedAtMs + 1),
      details: [ruleRemovedText(t.rule)],
      reason: RULE_REMOVED,
    }))
}

/**
 * The keys that a pending rule-removal resolve ends. The transitions of those keys are this
 * leader's to decide although it does not know their rule (service.ts leaves the other
 * transitions of rules it does not know pending, for a leader that knows them).
 */
export const ruleRemovedKeys = (pending: readonly Transition[]): Set<string> =>
  new Set(pending.filter((t) => t.reason === RULE_REMOVED).map((t) => t.alertKey))

/** The transition each of these resolves: the key's firing before it. */
export const resolvedFirings = (group: NotificationGroup): string[] => group.transitions.map((t) => transitionId(t.alertKey, t.seq - 1))

/**
 * The resolve notification of a group of rule-removal resolves, from the outbox rows of the
 * firings they resolve (resolvedFirings): their channels, and the words of their notification.
 * An email row's stored copy may list only the recipients a partial delivery left to reach
 * (channels/email.ts), so another channel's copy is read first.
 */
export function ruleRemovedNotification(
  group: NotificationGroup,
  firingRows: readonly Pick<OutboxRow, 'channel' | 'payload'>[],
  dashboardBaseUrl: string | null,
  nowMs: number,
): { notification: Notification; channels: ChannelName[] } {
  const rows = firingRows.filter((r): r is { channel: ChannelName; payload: string } => r.channel !== '' && r.payload !== '')
  const channels = [...new Set(rows.map((r) => r.channel))].sort()
  const copy = rows.find((r) => r.channel !== 'email') ?? rows[0]
  const said = copy ? decodeNotification(copy.payload) : null
  const n = buildNotification(group, undefined, dashboardBaseUrl, nowMs)
  const notification: Notification = {
    ...n,
    ...(said ? { description: said.description, metric: said.metric, condition: said.condition, op: said.op, subjectLabel: said.subjectLabel, emailTo: said.emailTo } : {}),
    details: [],
    reason: ruleRemovedText(group.rule),
  }
  return { notification, channels }
}

/**
 * What a failed send means for its outbox row, decided from the error's flags (never its text).
 * Pure: the clock and the randomness come in.
 * - final: a permanent error (or one that is not a classified delivery failure: a bug in
 *   rendering or sending fails its row rather than crashing the process, which a restart would
 *   hit again, forever), the last allowed attempt, or a row older than the policy allows;
 * - otherwise the next attempt: after the capped, jittered backoff, and no sooner than the
 *   receiver's Retry-After;
 * - a partial delivery (the receiver took it for some email recipients) leaves in the row's
 *   payload only what is left to deliver, and says the channel works.
 *
 * An attempt whose outcome is unknown (the error's `inDoubt`: a timeout after the request was
 * sent, a connection lost after sending, a 504) is not a refusal: the receiver may have taken
 * it, and a receiver that answers a little after our timeout takes every re-send too. So it is
 * re-sent no sooner than `inDoubtDelayMs`, doubling with each unknown outcome of the row, and at
 * most `maxInDoubtResends` times; the next unknown outcome is final with status 'unknown'
 * (delivery unknown, not re-sent again), as is one that runs out of attempts or age. A refusal
 * (HTTP 5xx, SMTP 4xx, a refused connection) was not delivered and keeps the short backoff.
 * The count of unknown outcomes lives in the row's payload (`outcomesUnknown`), so it survives
 * a restart or a handover.
 */
import { isDriftwatchError } from '../errors.js'
import { backoffDelayMs, type BackoffPolicy } from '../pipeline/backoff.js'
import { isInDoubt, retryAfterOf, retryWithOf } from './channels/types.js'
import { decodeNotification, encodeNotification } from './notification.js'
import type { OutboxRow } from './outbox.js'

/** What a row's status becomes when its failure is final: given up, or given up with the delivery unknown. */
export type FinalStatus = 'failed' | 'unknown'

export interface FailureDecision {
  readonly final: boolean
  /** The row's status when final (meaningless otherwise). */
  readonly finalStatus: FinalStatus
  readonly retriable: boolean
  /** The receiver took part of it: the channel works. */
  readonly partial: boolean
  /** This attempt's outcome is unknown: the receiver may have taken it. */
  readonly outcomeUnknown: boolean
  /** The row's attempts whose outcome was unknown, this one included. */
  readonly unknownOutcomes: number
  readonly lastError: string
  readonly payload: string
  readonly inDoubt: boolean
  /** The receiver's Retry-After (0: none). */
  readonly retryAfterMs: number
  /** When to try again (meaningless when final). */
  readonly nextAttemptMs: number
}

export interface FailurePolicy {
  readonly backoff: BackoffPolicy
  readonly maxAttempts: number
  readonly maxAgeMs: number
  /** The least wait before re-sending after the first unknown outcome; doubles with each one after. */
  readonly inDoubtDelayMs: number
  /** How many times a row is re-sent after unknown outcomes; the next unknown outcome is final. */
  readonly maxInDoubtResends: number
}

/** The payload's field counting the row's unknown outcomes (a number; absent: 0). */
const OUTCOMES_UNKNOWN = 'outcomesUnknown'

/** How many of the row's attempts had an unknown outcome, as its payload records it. */
export function unknownOutcomesOf(payload: string): number {
  try {
    const v = (JSON.parse(payload) as Record<string, unknown>)[OUTCOMES_UNKNOWN]
    return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 0
  } catch {
    return 0
  }
}

/** The payload recording `n` unknown outcomes; the notification's own fields are left as they are. */
export function withUnknownOutcomes(payload: string, n: number): string {
  return JSON.stringify({ ...(JSON.parse(payload) as Record<string, unknown>), [OUTCOMES_UNKNOWN]: n })
}

export function decideFailure(
  err: unknown,
  row: OutboxRow,
  attempt: number,
  o: { policy: FailurePolicy; nowMs: number; random: () => number; inDoubt: boolean },
): FailureDecision {
  const retriable = isDriftwatchError(err) ? err.retriable : false
  const retryAfterMs = retryAfterOf(err)
  const retryWith = retryWithOf(err)
  const outcomeUnknown = isInDoubt(err)
  const unknownOutcomes = unknownOutcomesOf(row.payload) + (outcomeUnknown ? 1 : 0)
  const refusedDelay = Math.max(backoffDelayMs(attempt - 1, o.policy.backoff, o.random), Math.ceil(o.policy.backoff.baseMs / 4), retryAfterMs)
  const delay = outcomeUnknown ? Math.max(refusedDelay, o.policy.inDoubtDelayMs * 2 ** Math.min(unknownOutcomes - 1, 20)) : refusedDelay
  const resendsSpent = outcomeUnknown && unknownOutcomes > o.policy.maxInDoubtResends
  const final = !retriable || resendsSpent || attempt >= o.policy.maxAttempts || o.nowMs - row.createdMs >= o.policy.maxAgeMs
  const message = (err as Error).message ?? String(err)
  const base = retryWith ? encodeNotification({ ...decodeNotification(row.payload), ...retryWith }) : row.payload
  const lastError = !outcomeUnknown
    ? message
    : final
      ? `outcome unknown (in doubt) after ${unknownOutcomes} attempt${unknownOutcomes === 1 ? '' : 's'} that may each have been delivered; not sent again: ${message}`
      : `outcome unknown (in doubt, ${unknownOutcomes} of at most ${o.policy.maxInDoubtResends + 1}): ${message}`
  return {
    final,
    finalStatus: outcomeUnknown ? 'unknown' : 'failed',
    retriable,
    partial: retryWith !== null && isDriftwatchError(err) && err.context['partial'] === true,
    outcomeUnknown,
    unknownOutcomes,
    lastError,
    payload: outcomeUnknown ? withUnknownOutcomes(base, unknownOutcomes) : base,
    inDoubt: o.inDoubt || outcomeUnknown,
    retryAfterMs,
    nextAttemptMs: o.nowMs + delay,
  }
}

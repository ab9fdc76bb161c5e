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
 */
import { isDriftwatchError } from '../errors.js'
import { backoffDelayMs, type BackoffPolicy } from '../pipeline/backoff.js'
import { isInDoubt, retryAfterOf, retryWithOf } from './channels/types.js'
import { decodeNotification, encodeNotification } from './notification.js'
import type { OutboxRow } from './outbox.js'

export interface FailureDecision {
  readonly final: boolean
  readonly retriable: boolean
  /** The receiver took part of it: the channel works. */
  readonly partial: boolean
  readonly lastError: string
  readonly payload: string
  readonly inDoubt: boolean
  /** The receiver's Retry-After (0: none). */
  readonly retryAfterMs: number
  /** When to try again (meaningless when final). */
  readonly nextAttemptMs: number
}

export function decideFailure(
  err: unknown,
  row: OutboxRow,
  attempt: number,
  o: { policy: { backoff: BackoffPolicy; maxAttempts: number; maxAgeMs: number }; nowMs: number; random: () => number; inDoubt: boolean },
): FailureDecision {
  const retriable = isDriftwatchError(err) ? err.retriable : false
  const retryAfterMs = retryAfterOf(err)
  const retryWith = retryWithOf(err)
  const delay = Math.max(backoffDelayMs(attempt - 1, o.policy.backoff, o.random), Math.ceil(o.policy.backoff.baseMs / 4), retryAfterMs)
  return {
    final: !retriable || attempt >= o.policy.maxAttempts || o.nowMs - row.createdMs >= o.policy.maxAgeMs,
    retriable,
    partial: retryWith !== null && isDriftwatchError(err) && err.context['partial'] === true,
    lastError: (err as Error).message ?? String(err),
    payload: retryWith ? encodeNotification({ ...decodeNotification(row.payload), ...retryWith }) : row.payload,
    inDoubt: o.inDoubt || isInDoubt(err),
    retryAfterMs,
    nextAttemptMs: o.nowMs + delay,
  }
}

/** What every channel implements, and how a failed delivery is described. */
import { DriftwatchError } from '../../errors.js'
import type { ChannelName } from '../../rules/schema.js'
import type { Notification } from '../notification.js'

export interface DeliveryAttempt {
  /**
   * The id to give the receiver (Message-ID, Grafana's driftwatch-id tag, the Slack context line),
   * the same on every attempt of the row: the deployment's notification id of the outbox key when the
   * senders are built with a scope (senders.ts), else the outbox key.
   */
  readonly idempotencyKey: string
  /** 1 for the first attempt. */
  readonly attempt: number
  /** An earlier attempt may have reached the receiver (timeout, or a crash before 'sent' was recorded). */
  readonly inDoubt: boolean
}

export interface ChannelSender {
  readonly name: ChannelName
  /**
   * The longest one `send` may take (its timeouts): how long a new leader defers a row an old
   * leader is sending (dispatcher.ts). Default DEFAULT_MAX_SEND_MS.
   */
  readonly maxSendMs?: number
  /**
   * The least time between the starts of two sends (the receiver's documented rate limit, e.g.
   * a Slack incoming webhook's one message per second): the lane paces its sends to it rather
   * than collecting 429s. Default 0.
   */
  readonly minIntervalMs?: number
  /**
   * Sends `n`. Resolves when the receiver took it; the report's `note` says what it did not take
   * for good although it took the message (an email recipient the relay refused with 5xx) and is
   * recorded as the row's last_error.
   */
  send(n: Notification, attempt: DeliveryAttempt): Promise<DeliveryReport | void>
  /**
   * Why this sender, as this instance configured it, cannot send `n` at all (null or absent: it
   * can). The lane leaves such a row pending, untried, for a leader configured to send it: the
   * instances of a group may differ in their settings (email without ALERT_EMAIL_TO).
   */
  cannotSend?(n: Notification): string | null
}

export interface DeliveryReport {
  readonly note?: string
}

/**
 * retriable: the receiver may accept it later (network, 429, 5xx). inDoubt: the request may have
 * been processed although we saw a failure (timeout after sending, connection reset).
 * retryAfterMs: how long the receiver asked us to wait (HTTP Retry-After), bounded by
 * MAX_RETRY_AFTER_MS. retryWith: what to change in the stored notification before it is tried
 * again, because part of it was delivered (the email recipients the relay took); the outbox row
 * keeps it, so a retry after a restart still leaves out who already has the message. partial:
 * the receiver took it in part, so the channel works (the lane does not count it as the
 * channel failing).
 */
export function deliveryError(
  message: string,
  o: { retriable: boolean; inDoubt: boolean; cause?: unknown; status?: number; retryAfterMs?: number; retryWith?: Partial<Notification>; partial?: boolean },
): DriftwatchError {
  return new DriftwatchError('DW_ALERT_DELIVERY_FAILED', message, o)
}

export const isInDoubt = (e: unknown): boolean => e instanceof DriftwatchError && e.context['inDoubt'] === true

/** The receiver's Retry-After of a delivery error, in ms (0: none). */
export const retryAfterOf = (e: unknown): number => {
  const v = e instanceof DriftwatchError ? e.context['retryAfterMs'] : undefined
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0
}

/** The change to the stored notification a partial delivery asks for (null: none). */
export const retryWithOf = (e: unknown): Partial<Notification> | null => {
  const v = e instanceof DriftwatchError ? e.context['retryWith'] : undefined
  return v && typeof v === 'object' ? (v as Partial<Notification>) : null
}

/** What every channel implements, and how a failed delivery is described. */
import { DriftwatchError } from '../../errors.js'
import type { ChannelName } from '../../rules/schema.js'
import type { Notification } from '../notification.js'

export interface DeliveryAttempt {
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
  send(n: Notification, attempt: DeliveryAttempt): Promise<void>
  /**
   * Why this sender, as this instance configured it, cannot send `n` at all (null or absent: it
   * can). The lane leaves such a row pending, untried, for a leader configured to send it: the
   * instances of a group may differ in their settings (email without ALERT_EMAIL_TO).
   */
  cannotSend?(n: Notification): string | null
}

/**
 * retriable: the receiver may accept it later (network, 429, 5xx). inDoubt: the request may have
 * been processed although we saw a failure (timeout after sending, connection reset).
 */
export function deliveryError(message: string, o: { retriable: boolean; inDoubt: boolean; cause?: unknown; status?: number }): DriftwatchError {
  return new DriftwatchError('DW_ALERT_DELIVERY_FAILED', message, o)
}

export const isInDoubt = (e: unknown): boolean => e instanceof DriftwatchError && e.context['inDoubt'] === true

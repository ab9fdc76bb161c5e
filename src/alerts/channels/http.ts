/**
 * One HTTP request for a channel, with a timeout, and failures classified for the outbox:
 * - refused / unresolvable connection: retriable, and certainly not delivered;
 * - 408, 425, 429, 5xx: retriable (the receiver answered, so it did not take it), except 504,
 *   where a proxy gave up waiting and the receiver may have processed it (in doubt);
 * - a redirect (3xx): permanent, a configuration error (the URL moved: set it to the new one).
 *   Redirects are not followed: a POST redirected by 301/302 turns into a GET, and a redirect
 *   would carry the Bearer token to another host;
 * - other 4xx: permanent (the request itself is wrong, retrying cannot help);
 * - timeout or a connection lost after sending: retriable and in doubt.
 *
 * A retriable answer's Retry-After (RFC 9110 §10.2.3: delay-seconds or an HTTP-date; Slack
 * sends it with 429, Grafana and proxies with 429 and 503) travels in the error as
 * `retryAfterMs`, at most MAX_RETRY_AFTER_MS: the lane waits at least that long (dispatcher.ts).
 */
import { deliveryError } from './types.js'

export type Fetch = typeof fetch

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])

/**
 * The longest Retry-After obeyed: a receiver asking for more (or a clock far off in an HTTP-date)
 * is tried again after this long, and a row still gives up after its attempts or its age.
 */
export const MAX_RETRY_AFTER_MS = 15 * 60_000

/**
 * A Retry-After header in ms from `nowMs`: delay-seconds ("120") or an HTTP-date
 * ("Wed, 21 Oct 2026 07:28:00 GMT"), clamped to [0, MAX_RETRY_AFTER_MS]; 0 when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number {
  const v = (value ?? '').trim()
  if (v === '') return 0
  const ms = /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v) - nowMs
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS) : 0
}

/** Where a redirect points, without its path and query (a webhook URL's path is its secret). */
function redirectTarget(location: string | null, url: string): string {
  if (!location) return 'no Location'
  try {
    const u = new URL(location, url)
    return `Location ${u.origin}${u.pathname === '/' && !u.search ? '/' : '/…'}`
  } catch {
    return 'an unreadable Location'
  }
}

export interface HttpResult {
  readonly status: number
  readonly text: string
}

export async function httpRequest(
  what: string,
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: unknown; timeoutMs: number; fetch?: Fetch; now?: () => number },
): Promise<HttpResult> {
  let res: Response
  try {
    res = await (init.fetch ?? fetch)(url, {
      method: init.method,
      headers: { accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs),
      redirect: 'manual',
    })
  } catch (cause) {
    const code = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as { code?: string }).code ?? ''
    const name = (cause as Error).name
    const timedOut = name === 'TimeoutError' || name === 'AbortError'
    const inDoubt = timedOut || !NOT_SENT.has(code)
    throw deliveryError(`${what}: ${timedOut ? `no answer within ${init.timeoutMs} ms` : `${(cause as Error).message}${code ? ` (${code})` : ''}`}`, { retriable: true, inDoubt, cause })
  }
  const text = await res.text().catch(() => '')
  if (res.ok) return { status: res.status, text }
  if (res.status >= 300 && res.status < 400) {
    const target = redirectTarget(res.headers.get('location'), url)
    throw deliveryError(`${what}: HTTP ${res.status} redirect to ${target}: the configured URL is not the receiver's; set it to where it points`, { retriable: false, inDoubt: false, status: res.status })
  }
  const retriable = res.status === 408 || res.status === 425 || res.status === 429 || res.status >= 500
  const retryAfterMs = retriable ? parseRetryAfter(res.headers.get('retry-after'), (init.now ?? Date.now)()) : 0
  const waited = retryAfterMs > 0 ? ` (Retry-After ${Math.ceil(retryAfterMs / 1000)} s)` : ''
  throw deliveryError(`${what}: HTTP ${res.status} ${text.slice(0, 200)}`.trim() + waited, { retriable, inDoubt: res.status === 504, status: res.status, ...(retryAfterMs > 0 ? { retryAfterMs } : {}) })
}

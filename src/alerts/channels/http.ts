/**
 * One HTTP request for a channel, with a timeout, and failures classified for the outbox:
 * - refused / unresolvable connection: retriable, and certainly not delivered;
 * - 408, 425, 429, 5xx: retriable (the receiver answered, so it did not take it), except 504,
 *   where a proxy gave up waiting and the receiver may have processed it (in doubt);
 * - other 4xx: permanent (the request itself is wrong, retrying cannot help);
 * - timeout or a connection lost after sending: retriable and in doubt.
 */
import { deliveryError } from './types.js'

export type Fetch = typeof fetch

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])

export interface HttpResult {
  readonly status: number
  readonly text: string
}

export async function httpRequest(
  what: string,
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: unknown; timeoutMs: number; fetch?: Fetch },
): Promise<HttpResult> {
  let res: Response
  try {
    res = await (init.fetch ?? fetch)(url, {
      method: init.method,
      headers: { accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs),
      redirect: 'error',
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
  const retriable = res.status === 408 || res.status === 425 || res.status === 429 || res.status >= 500
  throw deliveryError(`${what}: HTTP ${res.status} ${text.slice(0, 200)}`.trim(), { retriable, inDoubt: res.status === 504, status: res.status })
}

/**
 * Whether the HTTP API may start, and with or without authorization. Without any token the API
 * would accept anyone's events, so:
 *   - Kafka mode (production): refused, DW_CONFIG_INVALID (exit 2) before anything starts;
 *   - embedded mode on a loopback address: allowed without authorization, with a loud warning, so
 *     `npm run demo` and local trials need no setup;
 *   - embedded mode on any other address: refused.
 *
 * Listening on loopback is not enough on its own: a web page can rebind its own name to 127.0.0.1
 * (DNS rebinding) and then read and POST to the API as same-origin. The browser still sends the
 * page's name in Host, so an open server answers only requests whose Host is a loopback name or
 * address, any port (`isLoopbackHostHeader`). With tokens the token is the barrier, and
 * Host is left alone: operators put the API behind proxies and names of their own.
 */
import type { ApiToken, RuntimeConfig } from '../config/env.js'
import { DriftwatchError } from '../errors.js'

export type HttpSecurity = { readonly auth: 'tokens'; readonly tokens: readonly ApiToken[] } | { readonly auth: 'open' }

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|localhost)$/

export const isLoopback = (host: string): boolean => LOOPBACK.test(host)

export function httpSecurity(config: Pick<RuntimeConfig, 'kafka' | 'http'>): HttpSecurity {
  if (config.http.tokens.length > 0) return { auth: 'tokens', tokens: config.http.tokens }
  const fix = 'set DRIFTWATCH_API_TOKENS (role:token,...) or DRIFTWATCH_API_TOKENS_FILE, or DRIFTWATCH_HTTP_ENABLED=false to run without the HTTP API'
  if (config.kafka) {
    const problem = `DRIFTWATCH_API_TOKENS: the HTTP API needs at least one token in Kafka mode; ${fix}`
    throw new DriftwatchError('DW_CONFIG_INVALID', `invalid environment:\n  ${problem}`, { problems: [problem] })
  }
  if (!isLoopback(config.http.host)) {
    const problem = `DRIFTWATCH_HTTP_HOST: without API tokens the HTTP API may only listen on a loopback address (127.0.0.1, ::1), not ${config.http.host}; ${fix}`
    throw new DriftwatchError('DW_CONFIG_INVALID', `invalid environment:\n  ${problem}`, { problems: [problem] })
  }
  return { auth: 'open' }
}

// A Host header is a name or IPv4 address, or a bracketed IPv6 address, with an optional port.
// Anything else (userinfo, paths, spaces) is refused before the URL parser could read past it.
const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/**
 * Whether a Host header names a loopback host: localhost, 127.0.0.0/8 or [::1], with any port. A
 * page that rebinds its DNS name to 127.0.0.1 sends its own name as Host, which is what this
 * refuses; the port is not compared, so a tunnel or port forward to another local port
 * (`ssh -L 9000:127.0.0.1:8080`) still works. The WHATWG URL parser normalizes the forms a
 * browser would (case, `127.1`, `0x7f.0.0.1`, `[0:0::1]`).
 */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (host === undefined || !HOST_HEADER.test(host)) return false
  let url: URL
  try {
    url = new URL(`http://${host}`)
  } catch {
    return false
  }
  // The URL keeps an IPv6 address in brackets.
  return isLoopback(url.hostname.replace(/^\[(.*)\]$/, '$1'))
}

/**
 * Headers on every answer. nosniff: a JSON body that echoes user data (model ids, feature names)
 * is never run as a script or style. frame-ancestors and X-Frame-Options (for browsers without
 * CSP 2): no other site can frame the web UI to trick a click. The UI frames nothing itself.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "frame-ancestors 'none'",
  'x-frame-options': 'DENY',
}

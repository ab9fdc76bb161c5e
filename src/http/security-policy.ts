/**
 * Whether the HTTP API may start, and with or without authorization. Without any token the API
 * would accept anyone's events, so:
 *   - Kafka mode (production): refused, DW_CONFIG_INVALID (exit 2) before anything starts;
 *   - embedded mode on a loopback address: allowed without authorization, with a loud warning, so
 *     `npm run demo` and local trials need no setup;
 *   - embedded mode on any other address: refused.
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

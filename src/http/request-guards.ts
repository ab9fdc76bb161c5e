/**
 * Hooks every request passes before its route: the security headers, and on an open server (no
 * API tokens) the Host check that keeps DNS-rebinding pages out (security-policy.ts). Also the
 * ingest routes' check that the body is not compressed.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { DriftwatchError } from '../errors.js'
import { errorBody } from './error-reply.js'
import { isLoopbackHostHeader, SECURITY_HEADERS, type HttpSecurity } from './security-policy.js'

export async function securityHeaders(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
  void reply.headers(SECURITY_HEADERS)
}

/** Refuses (403 DW_FORBIDDEN) a request to an open server whose Host is not a loopback name or address. */
export function loopbackHostOnly(security: HttpSecurity) {
  return async (request: FastifyRequest): Promise<void> => {
    if (security.auth !== 'open') return
    const host = request.headers.host
    if (isLoopbackHostHeader(host)) return
    throw new DriftwatchError(
      'DW_FORBIDDEN',
      `Host ${host === undefined ? 'is missing' : `"${host.slice(0, 100)}" is refused`}: without API tokens the API answers only requests addressed to `
        + 'localhost, 127.0.0.1 or [::1], so that no web page can reach it by rebinding its DNS name; '
        + 'set DRIFTWATCH_API_TOKENS to serve other names',
    )
  }
}

/**
 * Refuses a body with a Content-Encoding (gzip, br, ...) with 415 and `Accept-Encoding: identity`
 * (RFC 9110 §15.5.16), before the body is read. The server does not decompress: the body limit
 * would otherwise bound the compressed bytes, not what is parsed, and without this check a gzip
 * body reached the JSON parser and was refused as "not valid UTF-8".
 */
export async function identityEncodingOnly(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  const encoding = request.headers['content-encoding']?.trim().toLowerCase()
  if (encoding === undefined || encoding === '' || encoding === 'identity') return undefined
  const error = new DriftwatchError('DW_VALIDATION_FAILED', `Content-Encoding ${JSON.stringify(encoding.slice(0, 100))} is not supported: send the body uncompressed`)
  return reply.code(415).header('accept-encoding', 'identity').send(errorBody(error))
}

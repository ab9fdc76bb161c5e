/**
 * Bearer-token authorization (RFC 6750). The presented token is hashed with SHA-256 and compared
 * with every configured digest by crypto.timingSafeEqual: both sides are 32 bytes whatever the
 * token's length, and the loop never stops early, so the time taken tells nothing about which
 * token (if any) matched. Answers never say whether a token exists: a missing, malformed and
 * unknown token all get the same 401.
 */
import { timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { tokenDigest, type ApiRole, type ApiToken } from '../config/api-tokens.js'
import { DriftwatchError } from '../errors.js'

/** The roles of the token in an Authorization header; empty when there is none or it is unknown. */
export function rolesOf(authorization: string | undefined, tokens: readonly ApiToken[]): Set<ApiRole> {
  const roles = new Set<ApiRole>()
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '')
  if (!match) return roles
  const presented = tokenDigest(match[1]!)
  for (const t of tokens) {
    if (timingSafeEqual(presented, t.sha256)) roles.add(t.role)
  }
  return roles
}

export type Authorize = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

/**
 * An onRequest hook that lets a request through when its token has one of `allowed` (admin is
 * always allowed). It runs before the body is read, so an unauthenticated client cannot make the
 * server parse a large body. `tokens === null` means authorization is off (see security-policy.ts).
 */
export function requireRole(tokens: readonly ApiToken[] | null, allowed: readonly ApiRole[]): Authorize {
  return async (request, reply) => {
    if (tokens === null) return
    const roles = rolesOf(request.headers.authorization, tokens)
    if (roles.size === 0) {
      void reply.header('www-authenticate', 'Bearer realm="driftwatch"')
      throw new DriftwatchError('DW_UNAUTHORIZED', 'a valid bearer token is required (Authorization: Bearer <token>)')
    }
    if (!roles.has('admin') && !allowed.some((r) => roles.has(r))) {
      throw new DriftwatchError('DW_FORBIDDEN', `this route needs a token with one of the roles: ${[...new Set([...allowed, 'admin'])].join(', ')}`)
    }
  }
}

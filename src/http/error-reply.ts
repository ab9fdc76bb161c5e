/**
 * Every error the API answers with becomes `{ error: { code, message, retriable } }` and a status
 * chosen from the DriftwatchError's code and `retriable` flag, never from its message. Errors of
 * fastify itself (body too large, bad JSON, wrong content type) are mapped onto our codes.
 * Anything else is a bug: 500 DW_INTERNAL. A 5xx never carries the underlying message (it may
 * name hosts or queries): that goes to the log.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { DriftwatchError, isDriftwatchError, type ErrorCode } from '../errors.js'
import type { ErrorBody } from './schemas.js'
import { SECURITY_HEADERS } from './security-policy.js'

const STATUS: Partial<Record<ErrorCode, number>> = {
  DW_UNAUTHORIZED: 401,
  DW_FORBIDDEN: 403,
  DW_PAYLOAD_TOO_LARGE: 413,
  DW_VALIDATION_FAILED: 400,
  DW_NOT_FOUND: 404,
}

export function statusOf(e: DriftwatchError): number {
  return STATUS[e.code] ?? (e.retriable ? 503 : 500)
}

const isFastifyError = (e: unknown): e is FastifyError =>
  e instanceof Error && typeof (e as FastifyError).code === 'string' && (e as FastifyError).code.startsWith('FST_')

/** A fastify client error (4xx) as a DriftwatchError with the status fastify chose; null otherwise. */
export function fromFastifyError(e: unknown, bodyLimitBytes: number): { error: DriftwatchError; status: number } | null {
  if (!isFastifyError(e) || (e.statusCode ?? 500) >= 500) return null
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { error: new DriftwatchError('DW_PAYLOAD_TOO_LARGE', `the request body exceeds ${bodyLimitBytes} bytes`), status: 413 }
  }
  return { error: new DriftwatchError('DW_VALIDATION_FAILED', e.message), status: e.statusCode ?? 400 }
}

export const errorBody = (e: DriftwatchError): ErrorBody => ({ error: { code: e.code, message: e.message, retriable: e.retriable } })

// A bug may be transient (a retry can succeed), but the client cannot know: say false.
const INTERNAL: ErrorBody = { error: { code: 'DW_INTERNAL', message: 'internal error', retriable: false } }

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  const body: ErrorBody = { error: { code: 'DW_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}`, retriable: false } }
  return reply.code(404).send(body)
}

/**
 * fastify's `frameworkErrors`: errors of the router, before any route or hook runs (a path
 * parameter longer than maxParamLength, a malformed percent-encoding). Without it fastify answers
 * with a body of its own shape.
 */
export function routerErrorHandler(e: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  void reply.headers(SECURITY_HEADERS)
  if (e.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return reply.code(414).send(errorBody(new DriftwatchError('DW_VALIDATION_FAILED', 'a path segment is longer than any valid model id or time, even percent-encoded')))
  }
  if (e.code === 'FST_ERR_BAD_URL') {
    const path = request.url.split('?')[0]!
    return reply.code(400).send(errorBody(new DriftwatchError('DW_VALIDATION_FAILED', `the path ${path.slice(0, 200)}${path.length > 200 ? '…' : ''} is not valid percent-encoded UTF-8`)))
  }
  request.log.error({ err: e }, 'router error')
  return reply.code(500).send(INTERNAL)
}

/** During an outage every request fails alike: one log line per interval, with the count skipped. */
function throttled(intervalMs: number, now: () => number) {
  let last = -Infinity
  let skipped = 0
  return (log: (skippedSinceLast: number) => void) => {
    if (now() - last < intervalMs) return void skipped++
    log(skipped)
    last = now()
    skipped = 0
  }
}

export function errorHandler(bodyLimitBytes: number, now: () => number = Date.now) {
  const unavailable = throttled(10_000, now)
  return (e: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = fromFastifyError(e, bodyLimitBytes)
    if (mapped) return reply.code(mapped.status).send(errorBody(mapped.error))
    if (isDriftwatchError(e)) {
      const status = statusOf(e)
      if (status < 500) return reply.code(status).send(errorBody(e))
      // Infrastructure messages name hosts and queries: they go to the log, not to the client.
      if (!e.retriable) {
        request.log.error({ err: e }, 'request failed')
        return reply.code(500).send(INTERNAL)
      }
      unavailable((skipped) => request.log.error({ err: e, skippedSinceLast: skipped }, 'request failed: the pipeline is unavailable (503)'))
      void reply.header('retry-after', '1')
      return reply.code(503).send({ error: { code: e.code, message: 'the pipeline is unavailable; send the request again later', retriable: true } } satisfies ErrorBody)
    }
    request.log.error({ err: e }, 'unexpected error while handling a request')
    return reply.code(500).send(INTERNAL)
  }
}

/**
 * Every error the API answers with becomes `{ error: { code, message, retriable } }` and a status
 * chosen from the DriftwatchError's code and `retriable` flag, never from its message. Errors of
 * fastify itself (body too large, bad JSON, wrong content type), of its router and of Node's HTTP
 * parser (a request line or headers past Node's size limit, malformed HTTP, a request not received
 * in time) are mapped onto our codes. Anything else is a bug: 500 DW_INTERNAL. A 5xx never carries
 * the underlying message (it may name hosts or queries): that goes to the log.
 */
import { maxHeaderSize, STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify'
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

/**
 * A fastify client error (4xx) as a DriftwatchError with the status fastify chose; null otherwise.
 * `contentType` is the request's Content-Type header, named in the 415 answer; `sent` the request,
 * whose refused value a validation error quotes.
 */
export function fromFastifyError(e: unknown, bodyLimitBytes: number, contentType?: string, sent?: FastifyRequest): { error: DriftwatchError; status: number } | null {
  if (!isFastifyError(e) || (e.statusCode ?? 500) >= 500) return null
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { error: new DriftwatchError('DW_PAYLOAD_TOO_LARGE', `the request body exceeds ${bodyLimitBytes} bytes`), status: 413 }
  }
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    const sent = contentType ? `Content-Type ${JSON.stringify(contentType.slice(0, 100))} is not supported` : 'the request has a body but no Content-Type'
    return { error: new DriftwatchError('DW_VALIDATION_FAILED', `${sent}: send the body as JSON with Content-Type: application/json`), status: 415 }
  }
  return { error: new DriftwatchError('DW_VALIDATION_FAILED', validationMessage(e, sent) ?? e.message), status: e.statusCode ?? 400 }
}

/** What a schema keyword that enumerates its values lets through, as a user writes it; null for any other. */
function allowedValues(v: FastifySchemaValidationError): string | null {
  const p = v.params as { allowedValues?: unknown; allowedValue?: unknown; type?: unknown }
  if (v.keyword === 'enum' && Array.isArray(p.allowedValues)) return p.allowedValues.map(String).join(', ')
  if (v.keyword === 'const') return String(p.allowedValue)
  if (v.keyword === 'type' && p.type === 'boolean') return 'true, false'
  return null
}

/**
 * A schema's refusal of an enumerated parameter (a query's `status`, `order` or `metric`, `raw`'s
 * true or false): ajv's message ("querystring/status must be equal to one of the allowed values")
 * names the parameter but not the values, so they are added, with the value sent. Null for any
 * other validation error, whose message fastify's own says enough.
 */
function validationMessage(e: FastifyError, sent?: FastifyRequest): string | null {
  const first = e.code === 'FST_ERR_VALIDATION' ? e.validation?.[0] : undefined
  const allowed = first ? allowedValues(first) : null
  if (!first || allowed === null) return null
  const got = sent && e.validationContext ? valueAt(sent, e.validationContext, first.instancePath) : undefined
  const shown = got === undefined ? '' : `, got ${JSON.stringify(got).slice(0, 100)}`
  return `${e.message}: ${allowed}${shown}`
}

/** The value a validation error points at: `context` is fastify's (querystring, params, body, headers), `path` ajv's JSON pointer. */
function valueAt(request: FastifyRequest, context: string, path: string): unknown {
  const roots: Record<string, unknown> = { querystring: request.query, params: request.params, body: request.body, headers: request.headers }
  let value = roots[context]
  for (const segment of path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined
    value = (value as Record<string, unknown>)[segment]
  }
  return value
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

/**
 * Our answer to an error of Node's HTTP parser, before fastify sees a request (fastify's
 * `clientErrorHandler`; its default answers in a body of its own shape). `code` is Node's:
 * HPE_HEADER_OVERFLOW when the request line and headers exceed http.maxHeaderSize (a URL that
 * long included), ERR_HTTP_REQUEST_TIMEOUT when the request was not received within the
 * server's requestTimeout, an HPE_* parse error otherwise.
 */
export function clientErrorReply(code: string | undefined): { status: number; body: ErrorBody } {
  const reply = (status: number, message: string, retriable = false) => ({ status, body: { error: { code: 'DW_VALIDATION_FAILED' as const, message, retriable } } })
  if (code === 'HPE_HEADER_OVERFLOW') return reply(431, `the request line and headers exceed ${maxHeaderSize} bytes: send a shorter URL or fewer, shorter headers`)
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return reply(408, 'the request was not received in time; send it again', true)
  return reply(400, 'the request is not valid HTTP/1.1')
}

/**
 * fastify's `clientErrorHandler` (called with the instance as `this`): writes clientErrorReply on
 * the socket, with the security headers, and closes it, as Node's own handler would. A reset
 * connection or a destroyed socket gets nothing; the error is logged at debug only, since it is
 * the client's (or a load balancer's) and may come at any rate.
 */
export function clientErrorHandler(this: FastifyInstance, err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  this.log.debug({ err }, 'HTTP client error')
  if (socket.writable) {
    const { status, body } = clientErrorReply(err.code)
    const json = JSON.stringify(body)
    const headers = { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(json)), connection: 'close' }
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${json}`)
  }
  socket.destroy(err)
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
    const mapped = fromFastifyError(e, bodyLimitBytes, request.headers['content-type'], request)
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
    // The client went away before its body arrived (an upload aborted, or a connection closed at
    // shutdown): nobody is left to answer, and nothing went wrong on this side.
    if (request.raw.aborted || (e as { code?: unknown } | null)?.code === 'ECONNRESET') {
      request.log.debug({ err: e }, 'the client closed the connection before its request arrived')
      return reply.code(400).send(errorBody(new DriftwatchError('DW_VALIDATION_FAILED', 'the request body did not arrive whole')))
    }
    request.log.error({ err: e }, 'unexpected error while handling a request')
    return reply.code(500).send(INTERNAL)
  }
}

/**
 * close() of the HTTP API on real sockets (inject never reaches Node's connection handling): a
 * request whose publish is in progress finishes, a stalled upload cannot hold the close past the
 * grace, and a request arriving meanwhile on a connection still open is answered in our error shape.
 */
import { connect, type Socket } from 'node:net'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_FILE_CONFIG } from '../config/file.js'
import type { GroundTruthEvent, PredictionEvent } from '../ingest/schemas.js'
import { createLogger } from '../observability/logger.js'
import type { EventPublisher } from '../pipeline/publisher.js'
import { ingestLimits } from './limits.js'
import { ErrorBodySchema } from './schemas.js'
import { createHttpServer } from './server.js'

const now = Date.UTC(2026, 10, 22)
const isErrorBody = new Ajv2020({ strict: true }).compile(ErrorBodySchema)
const item = (id: string) => ({ prediction_id: id, model_id: 'm', model_version: 'v', event_time: now - 1, features: { x: 1 }, prediction: { score: 0.5 } })

/** A publisher that holds every publish until `release()`; `started` resolves when the first one begins. */
class GatedPublisher implements EventPublisher {
  published: string[] = []
  release!: () => void
  private readonly gate = new Promise<void>((r) => (this.release = r))
  private begin!: () => void
  readonly started = new Promise<void>((r) => (this.begin = r))
  async publishPredictions(events: readonly PredictionEvent[]) {
    this.begin()
    await this.gate
    this.published.push(...events.map((e) => e.prediction_id))
  }
  async publishGroundTruth(_events: readonly GroundTruthEvent[]) {}
}

const sockets: Socket[] = []
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy()
})

async function listening(closeGraceMs: number, logger = createLogger('silent')) {
  const publisher = new GatedPublisher()
  const app = createHttpServer({
    publisher,
    limits: ingestLimits(DEFAULT_FILE_CONFIG, 100),
    security: { auth: 'open' },
    bodyLimitBytes: 1 << 20,
    logger,
    now: () => now,
    closeGraceMs,
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as { port: number }).port
  return { app, publisher, port }
}

/** A raw connection that records what it receives and whether the server closed it. */
function open(port: number) {
  const socket = connect(port, '127.0.0.1')
  sockets.push(socket)
  const state = { received: '', closed: new Promise<void>((r) => socket.on('close', () => r())) }
  socket.setEncoding('utf8').on('data', (d: string) => (state.received += d)).on('error', () => {})
  return { socket, state }
}
const request = (port: number, body: string, contentLength = Buffer.byteLength(body)) =>
  `POST /v1/predictions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nConnection: keep-alive\r\nContent-Length: ${contentLength}\r\n\r\n${body}`

/** Resolves once close() has begun (the server no longer listens). */
async function closing(app: Awaited<ReturnType<typeof listening>>['app']): Promise<void> {
  while (app.server.listening) await new Promise((r) => setImmediate(r))
}

describe('close()', () => {
  it('a stalled upload cannot hold it: the request being published finishes (200), the stalled connection is closed unanswered after the grace', async () => {
    const { app, publisher, port } = await listening(200)
    // Headers and 18 bytes of a 2000-byte body, then nothing.
    const stalled = open(port)
    stalled.socket.write(request(port, '[{"prediction_id":', 2000))
    const inFlight = open(port)
    inFlight.socket.write(request(port, JSON.stringify([item('a')])))
    await publisher.started

    const closed = app.close().then(() => 'closed' as const)
    await closing(app)
    publisher.release()
    // The bound is the test's (vitest's) timeout, far above the 200 ms grace: without the grace,
    // close() waits for the stalled upload for as long as the client keeps it open.
    expect(await closed).toBe('closed')
    await stalled.state.closed
    expect(stalled.state.received).toBe('')
    await inFlight.state.closed
    expect(inFlight.state.received).toMatch(/^HTTP\/1.1 200 /)
    // Its connection ends with the answer instead of idling until the grace.
    expect(inFlight.state.received).toMatch(/^connection: close$/im)
    expect(publisher.published).toEqual(['a'])
  })

  it('answers a request arriving meanwhile on a connection still open with 503 in the error shape, Retry-After: 1 and the security headers', async () => {
    const { app, port } = await listening(10_000)
    const { socket, state } = open(port)
    // The request line before close() (so the connection is not idle: close() keeps it), the rest after.
    const whole = request(port, JSON.stringify([item('b')]))
    const [head, tail] = [whole.slice(0, 30), whole.slice(30)]
    await new Promise<void>((r) => socket.write(head, () => r()))
    // The bytes are in the server's receive buffer once written (loopback); one timer phase of
    // this same event loop lets the server read them.
    await new Promise((r) => setTimeout(r, 20))
    const closed = app.close()
    await closing(app)
    socket.write(tail)
    await state.closed
    await closed

    const [answerHead, body] = state.received.split('\r\n\r\n') as [string, string]
    expect(answerHead.split('\r\n')[0]).toBe('HTTP/1.1 503 Service Unavailable')
    expect(answerHead).toMatch(/^retry-after: 1$/im)
    expect(answerHead).toMatch(/^connection: close$/im)
    expect(answerHead).toMatch(/^x-content-type-options: nosniff$/im)
    expect(answerHead).toMatch(/^content-security-policy: frame-ancestors 'none'$/im)
    expect(answerHead).toMatch(/^x-frame-options: DENY$/im)
    const parsed = JSON.parse(body) as unknown
    expect(isErrorBody(parsed)).toBe(true)
    expect(parsed).toEqual({ error: { code: 'DW_API_UNAVAILABLE', message: 'the server is shutting down; send the request again', retriable: true } })
  })

  it('an upload its client aborts is no error of the server: nothing logged at error level', async () => {
    const lines: { level: number; msg: string }[] = []
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) })
    const { app, port } = await listening(10_000, logger)
    const { socket, state } = open(port)
    await new Promise<void>((r) => socket.write(request(port, '[{"prediction_id":', 2000), () => r()))
    await new Promise((r) => setTimeout(r, 50))
    socket.destroy()
    await state.closed
    await new Promise((r) => setTimeout(r, 50))
    await app.close()
    expect(lines.filter((l) => l.level >= 50)).toEqual([])
  })
})

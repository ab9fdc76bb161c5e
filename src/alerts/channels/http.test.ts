import { describe, expect, it } from 'vitest'
import type { DriftwatchError } from '../../errors.js'
import { httpRequest, MAX_RETRY_AFTER_MS, parseRetryAfter, type Fetch } from './http.js'

const respond = (status: number, body = '', headers: Record<string, string> = {}): Fetch => (async () => new Response(body, { status, headers })) as Fetch
const fail = (e: unknown): Fetch => (async () => Promise.reject(e)) as Fetch
const outcome = async (f: Fetch) => {
  try {
    await httpRequest('test', 'http://127.0.0.1:1/x', { method: 'POST', body: {}, timeoutMs: 1000, fetch: f })
    return 'ok'
  } catch (e) {
    const err = e as DriftwatchError
    return { code: err.code, retriable: err.retriable, inDoubt: err.context['inDoubt'], ...(err.context['retryAfterMs'] === undefined ? {} : { retryAfterMs: err.context['retryAfterMs'] }), message: err.message }
  }
}

describe('channel HTTP failures', () => {
  it('classifies answers: 2xx ok, 429/5xx retriable, 504 in doubt, other 4xx permanent', async () => {
    expect(await outcome(respond(200, 'ok'))).toBe('ok')
    expect(await outcome(respond(503))).toEqual({ code: 'DW_ALERT_DELIVERY_FAILED', retriable: true, inDoubt: false, message: 'test: HTTP 503' })
    expect(await outcome(respond(429))).toMatchObject({ retriable: true, inDoubt: false })
    expect(await outcome(respond(504))).toMatchObject({ retriable: true, inDoubt: true })
    expect(await outcome(respond(400, 'invalid_blocks'))).toMatchObject({ retriable: false, inDoubt: false })
    expect(await outcome(respond(404, 'no_service'))).toMatchObject({ retriable: false })
  })

  it('classifies transport errors: refused is certainly not sent, a timeout or reset is in doubt', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })
    expect(await outcome(fail(refused))).toMatchObject({ retriable: true, inDoubt: false })
    const reset = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })
    expect(await outcome(fail(reset))).toMatchObject({ retriable: true, inDoubt: true })
    expect(await outcome(fail(new DOMException('timed out', 'TimeoutError')))).toMatchObject({ retriable: true, inDoubt: true })
  })
})

describe('Retry-After', () => {
  const NOW = Date.UTC(2026, 9, 21, 7, 28)
  it('reads delay-seconds and HTTP-dates, bounded to MAX_RETRY_AFTER_MS', () => {
    expect(parseRetryAfter('20', NOW)).toBe(20_000)
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0)
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:30 GMT', NOW)).toBe(30_000)
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:27:00 GMT', NOW)).toBe(0)
    expect(parseRetryAfter('86400', NOW)).toBe(MAX_RETRY_AFTER_MS)
    expect(parseRetryAfter('soon', NOW)).toBe(0)
    expect(parseRetryAfter('-5', NOW)).toBe(0)
    expect(parseRetryAfter(null, NOW)).toBe(0)
  })

  it('travels in the error of a 429 or 503 (Slack, Grafana, proxies)', async () => {
    expect(await outcome(respond(429, 'rate_limited', { 'retry-after': '20' }))).toMatchObject({ retriable: true, retryAfterMs: 20_000, message: 'test: HTTP 429 rate_limited (Retry-After 20 s)' })
    const at = new Date(Date.now() + 90_000).toUTCString()
    const r = (await outcome(respond(503, '', { 'retry-after': at }))) as { retryAfterMs: number }
    expect(r.retryAfterMs).toBeGreaterThan(80_000)
    expect(r.retryAfterMs).toBeLessThanOrEqual(90_000)
    expect(await outcome(respond(400, 'invalid_blocks', { 'retry-after': '20' }))).not.toHaveProperty('retryAfterMs')
  })
})

describe('redirects', () => {
  it('are a permanent configuration error naming the status and where it points, without the secret path', async () => {
    const r = await outcome(respond(301, '', { location: 'https://hooks.slack.com/services/T0/B0/s3cr3t' }))
    expect(r).toMatchObject({ retriable: false, inDoubt: false })
    expect((r as { message: string }).message).toBe('test: HTTP 301 redirect to Location https://hooks.slack.com/…: the configured URL is not the receiver\'s; set it to where it points')
    expect((r as { message: string }).message).not.toContain('s3cr3t')
    expect(await outcome(respond(302, '', { location: '/login' }))).toMatchObject({ retriable: false, message: expect.stringContaining('HTTP 302 redirect to Location http://127.0.0.1:1/…') })
  })

  it('are not followed, over a real connection', async () => {
    const { createServer } = await import('node:http')
    let posts = 0
    const server = createServer((req, res) => {
      if (req.url === '/old') res.writeHead(302, { location: '/new' }).end()
      else (posts++, res.end('ok'))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    try {
      await expect(httpRequest('Slack webhook', `http://127.0.0.1:${port}/old`, { method: 'POST', body: {}, timeoutMs: 5000 })).rejects.toMatchObject({
        retriable: false,
        message: `Slack webhook: HTTP 302 redirect to Location http://127.0.0.1:${port}/…: the configured URL is not the receiver's; set it to where it points`,
      })
      expect(posts).toBe(0)
    } finally {
      server.close()
    }
  })
})

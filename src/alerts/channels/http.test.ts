import { describe, expect, it } from 'vitest'
import type { DriftwatchError } from '../../errors.js'
import { httpRequest, type Fetch } from './http.js'

const respond = (status: number, body = ''): Fetch => (async () => new Response(body, { status })) as Fetch
const fail = (e: unknown): Fetch => (async () => Promise.reject(e)) as Fetch
const outcome = async (f: Fetch) => {
  try {
    await httpRequest('test', 'http://127.0.0.1:1/x', { method: 'POST', body: {}, timeoutMs: 1000, fetch: f })
    return 'ok'
  } catch (e) {
    const err = e as DriftwatchError
    return { code: err.code, retriable: err.retriable, inDoubt: err.context['inDoubt'] }
  }
}

describe('channel HTTP failures', () => {
  it('classifies answers: 2xx ok, 429/5xx retriable, 504 in doubt, other 4xx permanent', async () => {
    expect(await outcome(respond(200, 'ok'))).toBe('ok')
    expect(await outcome(respond(503))).toEqual({ code: 'DW_ALERT_DELIVERY_FAILED', retriable: true, inDoubt: false })
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

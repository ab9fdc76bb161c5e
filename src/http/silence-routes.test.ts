/**
 * The silence routes: admin only (a read or ingest token is 403 in the error shape, and nothing is
 * written), the body read as `alerts mute` reads its options, the command's refusal of an unknown
 * rule or model answered as 400 with its message, and an unmute that matches nothing 404.
 */
import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterEach, describe, expect, it } from 'vitest'
import type { NewSilence, Silence, SilenceMatch, SilenceWrites } from '../alerts/silences.js'
import { loadApiTokens } from '../config/api-tokens.js'
import { DEFAULT_FILE_CONFIG } from '../config/file.js'
import { DriftwatchError } from '../errors.js'
import { createLogger } from '../observability/logger.js'
import { ingestLimits } from './limits.js'
import { ErrorBodySchema } from './schemas.js'
import { createHttpServer } from './server.js'

const isErrorBody = new Ajv2020({ strict: true }).compile(ErrorBodySchema)
const NOW = Date.UTC(2026, 11, 3, 12)
const ADMIN = 'admin-token-0123456789'
const READ = 'read-token-0123456789ab'
const INGEST = 'ingest-token-0123456789'

/** Writes that record what they were asked, refuse the rule `typo` as the command does, and match silences by id `s1` or rule `r`. */
function server() {
  const muted: NewSilence[] = []
  const unmuted: SilenceMatch[] = []
  const stored: Silence = { id: 's1', rule: 'r', modelId: '', startsMs: NOW - 60_000, endsMs: NOW + 3_600_000, reason: 'why', createdBy: 'ann', source: 'cli' }
  const writes: SilenceWrites = {
    async mute(s) {
      if (s.rule === 'typo') throw new DriftwatchError('DW_CONFIG_INVALID', 'unknown rule "typo": known rules (1): r', { path: 'rule' })
      if (s.modelId === 'nope') throw new DriftwatchError('DW_CONFIG_INVALID', 'unknown model "nope": no models are known', { path: 'model' })
      muted.push(s)
      return { id: 'new1', ...s, source: 'cli' }
    },
    async unmute(match) {
      unmuted.push(match)
      if (match.id === 's1' || (match.id === undefined && match.rule === 'r')) return [stored]
      throw new DriftwatchError('DW_NOT_FOUND', 'no active silence has the id "x"')
    },
  }
  const { tokens, problems } = loadApiTokens(`admin:${ADMIN},read:${READ},ingest:${INGEST}`, undefined)
  expect(problems).toEqual([])
  const unused = () => Promise.reject(new Error('not called'))
  const app = createHttpServer({
    publisher: { publishPredictions: unused, publishGroundTruth: unused },
    limits: ingestLimits(DEFAULT_FILE_CONFIG, 100), security: { auth: 'tokens', tokens }, bodyLimitBytes: 1 << 20, logger: createLogger('silent'),
    now: () => NOW, silences: writes,
  })
  opened.push(app)
  const post = (body: unknown, token = ADMIN) =>
    app.inject({ method: 'POST', url: '/v1/alerts/silences', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) })
  const del = (url: string, token = ADMIN) => app.inject({ method: 'DELETE', url, headers: { authorization: `Bearer ${token}` } })
  return { muted, unmuted, post, del }
}
const opened: ReturnType<typeof createHttpServer>[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((a) => a.close()))
})

const error = (res: { statusCode: number; json(): unknown }) => {
  const body = res.json() as { error: { code: string; message: string } }
  expect(isErrorBody(body)).toBe(true)
  return { status: res.statusCode, code: body.error.code, message: body.error.message }
}

describe('silence routes: admin only', () => {
  it('refuses a read or ingest token with 403 and no token with 401, in the error shape, writing nothing', async () => {
    const { muted, unmuted, post, del } = server()
    for (const token of [READ, INGEST]) {
      expect(error(await post({ rule: 'r', duration: '2h' }, token))).toEqual({ status: 403, code: 'DW_FORBIDDEN', message: 'this route needs a token with one of the roles: admin' })
      expect(error(await del('/v1/alerts/silences/s1', token))).toMatchObject({ status: 403, code: 'DW_FORBIDDEN' })
      expect(error(await del('/v1/alerts/silences?rule=r', token))).toMatchObject({ status: 403, code: 'DW_FORBIDDEN' })
    }
    expect(error(await post({ rule: 'r', duration: '2h' }, 'not-a-token-of-this-server'))).toMatchObject({ status: 401, code: 'DW_UNAUTHORIZED' })
    expect(muted).toEqual([])
    expect(unmuted).toEqual([])
  })
})

describe('POST /v1/alerts/silences: alerts mute', () => {
  it('stores what the options ask for, starting now, and answers 201 with the silence', async () => {
    const { muted, post } = server()
    const res = await post({ rule: 'r', model: 'm', duration: '2h', reason: 'retraining', created_by: 'ann' })
    expect(res.statusCode).toBe(201)
    expect(muted).toEqual([{ rule: 'r', modelId: 'm', startsMs: NOW, endsMs: NOW + 7_200_000, reason: 'retraining', createdBy: 'ann' }])
    expect(res.json()).toEqual({
      silence: { id: 'new1', rule: 'r', model: 'm', starts_at: '2026-12-03T12:00:00.000Z', ends_at: '2026-12-03T14:00:00.000Z', reason: 'retraining', created_by: 'ann' },
    })
    expect((await post({ model: 'm', ends_at: '2026-12-04T08:00:00Z' })).statusCode).toBe(201)
    expect(muted[1]).toEqual({ rule: '', modelId: 'm', startsMs: NOW, endsMs: Date.UTC(2026, 11, 4, 8), reason: '', createdBy: '' })
  })

  it('refuses what alerts mute refuses, with 400, before writing', async () => {
    const { muted, post } = server()
    const refused = async (body: unknown, message: RegExp) => {
      const e = error(await post(body))
      expect([JSON.stringify(body), e.status, e.code]).toEqual([JSON.stringify(body), 400, 'DW_VALIDATION_FAILED'])
      expect(e.message).toMatch(message)
    }
    await refused({ duration: '2h' }, /^a silence needs rule, model, or both$/)
    await refused({ rule: 'r' }, /^a silence needs exactly one of duration and ends_at$/)
    await refused({ rule: 'r', duration: '2h', ends_at: '2026-12-04T08:00:00Z' }, /exactly one of duration and ends_at/)
    await refused({ rule: 'r', duration: 'soon' }, /^duration must be a duration like 30m, 2h, 1d, got "soon"$/)
    await refused({ rule: 'r', ends_at: '2026-12-01T08:00:00Z' }, /^ends_at must be a future time/)
    await refused({ rule: 'r', ends_at: '2026-12-04T08:00:00' }, /^ends_at: /)
    await refused({ rule: 'r', duration: '60000d' }, /^a silence must end by 2051-01-01T00:00:00.000Z .*got duration 60000d; to stop a rule for good, remove it from the rules file$/)
    expect(muted).toEqual([])
  })

  it("answers the command's refusal of an unknown rule or model as 400 with the command's message", async () => {
    const { post } = server()
    expect(error(await post({ rule: 'typo', duration: '2h' }))).toEqual({ status: 400, code: 'DW_VALIDATION_FAILED', message: 'unknown rule "typo": known rules (1): r' })
    expect(error(await post({ model: 'nope', duration: '2h' }))).toEqual({ status: 400, code: 'DW_VALIDATION_FAILED', message: 'unknown model "nope": no models are known' })
  })
})

describe('DELETE /v1/alerts/silences: alerts unmute', () => {
  it('ends a silence by id, or those of a rule / model, answering each as ended now', async () => {
    const { unmuted, del } = server()
    const byId = await del('/v1/alerts/silences/s1')
    expect(byId.statusCode).toBe(200)
    expect(byId.json()).toEqual({ ended: [{ id: 's1', rule: 'r', model: '', starts_at: '2026-12-03T11:59:00.000Z', ends_at: '2026-12-03T12:00:00.000Z', reason: 'why', created_by: 'ann' }] })
    expect((await del('/v1/alerts/silences?rule=r')).statusCode).toBe(200)
    expect(unmuted).toEqual([{ id: 's1' }, { rule: 'r', model: undefined }])
  })

  it('is 404 when no active silence matches, and 400 without a silence to name', async () => {
    const { unmuted, del } = server()
    expect(error(await del('/v1/alerts/silences/x'))).toEqual({ status: 404, code: 'DW_NOT_FOUND', message: 'no active silence has the id "x"' })
    expect(error(await del('/v1/alerts/silences'))).toMatchObject({ status: 400, code: 'DW_VALIDATION_FAILED', message: expect.stringMatching(/^name the silences to end: rule, model, or both/) })
    expect(unmuted).toEqual([{ id: 'x' }])
  })
})

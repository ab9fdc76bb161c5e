/**
 * The silence routes (docs/http-api.md "Silences"), role admin: what `driftwatch alerts mute` and
 * `unmute` do, for the running instance that holds the store (in embedded mode the commands send
 * their options here, src/cli/admin-client.ts):
 *   POST   /v1/alerts/silences        { rule?, model?, duration? | ends_at?, reason?, created_by? }  201 { silence }
 *   DELETE /v1/alerts/silences/{id}                                                                200 { ended }
 *   DELETE /v1/alerts/silences?rule&model                                                          200 { ended }
 * The writes are the commands' own (SilenceWrites, src/cli/mute-targets.ts silenceWrites), so an
 * unknown rule or model is refused with the command's message (here 400 DW_VALIDATION_FAILED, the
 * API's code for a refused request; the command's DW_CONFIG_INVALID), and an unmute that matches
 * no active silence is 404 DW_NOT_FOUND.
 */
import type { FastifyInstance } from 'fastify'
import { SILENCE_END_MAX_MS, silenceEndTooLate, type Silence, type SilenceMatch, type SilenceWrites } from '../alerts/silences.js'
import type { ApiToken } from '../config/api-tokens.js'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import { silenceView } from '../read/alert-deliveries.js'
import { parseTime } from '../read/params.js'
import { parseDurationMs } from '../window/duration.js'
import { requireRole } from './auth.js'
import { errorResponses } from './openapi.js'
import { SilenceCreateSchema, SilenceCreatedSchema, SilenceIdParamsSchema, SilenceMatchQuerySchema, SilencesEndedSchema } from './schemas.js'

export interface SilenceCreate {
  readonly rule?: string
  readonly model?: string
  readonly duration?: string
  readonly ends_at?: string
  readonly reason?: string
  readonly created_by?: string
}

const invalid = (path: string, message: string) => new DriftwatchError('DW_VALIDATION_FAILED', message, { path })

/** The end of the silence `body` asks for, checked as `alerts mute` checks --for and --until. Pure. */
export function requestedEnd(body: SilenceCreate, nowMs: number): number {
  if (!body.rule && !body.model) throw invalid('rule', 'a silence needs rule, model, or both')
  if ((body.duration === undefined) === (body.ends_at === undefined)) throw invalid('duration', 'a silence needs exactly one of duration and ends_at')
  let endsMs: number
  if (body.duration !== undefined) {
    const ms = parseDurationMs(body.duration)
    if (ms === null || ms <= 0) throw invalid('duration', `duration must be a duration like 30m, 2h, 1d, got "${body.duration.slice(0, 64)}"`)
    endsMs = nowMs + ms
  } else {
    endsMs = parseTime(body.ends_at!, 'ends_at')
    if (endsMs <= nowMs) throw invalid('ends_at', `ends_at must be a future time like 2026-12-01T08:00:00Z, got "${body.ends_at!.slice(0, 64)}"`)
  }
  if (endsMs > SILENCE_END_MAX_MS) throw invalid(body.duration !== undefined ? 'duration' : 'ends_at', silenceEndTooLate(body.duration !== undefined ? `duration ${body.duration.slice(0, 64)}` : `ends_at ${body.ends_at!.slice(0, 64)}`))
  return endsMs
}

const ended = (silences: readonly Silence[], nowMs: number) => ({ ended: silences.map((s) => silenceView({ ...s, startsMs: Math.min(s.startsMs, nowMs), endsMs: nowMs })) })

const UNKNOWN_TARGET = 'A parameter is not valid, or the rule or model is unknown: not in this instance\'s rule directory or driftwatch.yaml and not in the store, so a silence would mute nothing; the message names the closest known ones (DW_VALIDATION_FAILED).'
const NO_SILENCE = 'No active silence has the id, or mutes the rule / model (DW_NOT_FOUND); GET /v1/alerts/deliveries lists the active silences.'

export function registerSilenceRoutes(app: FastifyInstance, writes: SilenceWrites, tokens: readonly ApiToken[] | null, now: () => number): void {
  const onRequest = requireRole(tokens, [])
  const security = [{ bearerAuth: [] }]
  const forbidden = { 403: "The token lacks the admin role; or, on a server without API tokens, the Host header is not a loopback name or address (DW_FORBIDDEN)." }

  app.post<{ Body: SilenceCreate }>('/v1/alerts/silences', {
    onRequest,
    schema: {
      operationId: 'createSilence', summary: 'Mute a rule, a model, or a rule of a model for a period (`driftwatch alerts mute`)', security, body: SilenceCreateSchema,
      response: { 201: SilenceCreatedSchema, ...errorResponses([400, 401, 403, 415, 503], { ...forbidden, 400: UNKNOWN_TARGET }) },
    },
  }, async (request, reply) => {
    const nowMs = now()
    const b = request.body
    const endsMs = requestedEnd(b, nowMs)
    try {
      const silence = await writes.mute({ rule: b.rule ?? '', modelId: b.model ?? '', startsMs: nowMs, endsMs, reason: b.reason ?? '', createdBy: b.created_by ?? '' }, nowMs)
      return reply.code(201).send({ silence: silenceView(silence) })
    } catch (e) {
      // The command's refusal of an unknown rule or model (exit 2), as the API refuses a request.
      if (isDriftwatchError(e) && e.code === 'DW_CONFIG_INVALID') throw invalid(e.context['path'] === 'model' ? 'model' : 'rule', e.message)
      throw e
    }
  })

  app.delete<{ Params: { id: string } }>('/v1/alerts/silences/:id', {
    onRequest,
    schema: {
      operationId: 'endSilence', summary: 'End a silence by id (`driftwatch alerts unmute <id>`)', security, params: SilenceIdParamsSchema,
      response: { 200: SilencesEndedSchema, ...errorResponses([400, 401, 403, 404, 503], { ...forbidden, 404: NO_SILENCE }) },
    },
  }, async (request) => {
    const nowMs = now()
    return ended(await writes.unmute({ id: request.params.id }, nowMs), nowMs)
  })

  app.delete<{ Querystring: { rule?: string; model?: string } }>('/v1/alerts/silences', {
    onRequest,
    schema: {
      operationId: 'endSilences', summary: 'End every active silence of a rule and/or model (`driftwatch alerts unmute --rule / --model`)', security, querystring: SilenceMatchQuerySchema,
      response: { 200: SilencesEndedSchema, ...errorResponses([400, 401, 403, 404, 503], { ...forbidden, 404: NO_SILENCE }) },
    },
  }, async (request) => {
    const match: SilenceMatch = { rule: request.query.rule, model: request.query.model }
    if (match.rule === undefined && match.model === undefined) throw invalid('rule', 'name the silences to end: rule, model, or both (or DELETE /v1/alerts/silences/{id})')
    const nowMs = now()
    return ended(await writes.unmute(match, nowMs), nowMs)
  })
}

/**
 * The read API (docs/http-api.md "Read API"): GET /v1/models, /v1/models/{model}, /v1/models/{model}/windows,
 * /v1/models/{model}/windows/{start}, /v1/models/{model}/comparisons, /v1/alerts, /v1/alerts/deliveries
 * and /v1/dead-letters, role read (or admin; dead letters' raw bytes: admin only). The handlers only
 * translate HTTP to src/read's queries; the schemas (src/read/schemas.ts) validate the query
 * strings, serialize the answers and make up the OpenAPI document. Time parameters are read
 * (src/read/params.ts) before any query, so a bad one is a 400 that costs no query. A model,
 * version or variant the store does not have is a 404 (src/read/deps.ts), in a path or a filter.
 */
import type { FastifyInstance } from 'fastify'
import type { ApiToken } from '../config/api-tokens.js'
import type { ReadQueries } from '../read/index.js'
import {
  AlertListQuerySchema, AlertListSchema, ComparisonQuerySchema, ComparisonSeriesSchema, DeadLetterQuerySchema, DeadLetterReportSchema,
  ModelListQuerySchema, ModelListSchema, ModelParamsSchema, ModelSummarySchema, WindowDetailQuerySchema, WindowDetailSchema, WindowParamsSchema,
  WindowSeriesQuerySchema, WindowSeriesSchema,
} from '../read/schemas.js'
import type { AlertDeliveryOptions, ComparisonOptions, DeadLetterOptions } from '../read/index.js'
import { AlertDeliveryQuerySchema, AlertDeliveryReportSchema } from '../read/alert-delivery-schemas.js'
import { deadLetterRange } from '../read/dead-letters.js'
import { optionalTime, parseTime, timeRange } from '../read/params.js'
import { DriftwatchError } from '../errors.js'
import { requireRole, rolesOf } from './auth.js'
import { errorResponses } from './openapi.js'

type Query<T> = { Querystring: T }

const UNKNOWN_MODEL = 'not in driftwatch.yaml and without evaluated windows'
/** The 404s of the read routes (DW_NOT_FOUND): what each route looks up. */
const NOT_FOUND = {
  model: `No such model (${UNKNOWN_MODEL}) (DW_NOT_FOUND).`,
  windows: `No such model (${UNKNOWN_MODEL}), or the model has no such version (no evaluated window of it) or variant (not 'all' and no performance rows of it) (DW_NOT_FOUND).`,
  window: `No such model (${UNKNOWN_MODEL}), no such version of it, or no evaluated window starting at {start} (DW_NOT_FOUND).`,
  comparisons: `No such model (${UNKNOWN_MODEL}), or the model has no such version (no evaluated window of it) (DW_NOT_FOUND).`,
  alerts: `The model filter names no model: ${UNKNOWN_MODEL} or alerts (DW_NOT_FOUND).`,
  deadLetters: `The model filter names no model: ${UNKNOWN_MODEL}, stored predictions or dead letters ('' selects the dead letters without a model) (DW_NOT_FOUND).`,
} as const

export function registerReadRoutes(app: FastifyInstance, read: ReadQueries, tokens: readonly ApiToken[] | null): void {
  const onRequest = requireRole(tokens, ['read'])
  const schema = (s: Record<string, unknown>, response: object, notFound?: string) => ({
    security: [{ bearerAuth: [] }],
    ...s,
    response: { 200: response, ...errorResponses(notFound === undefined ? [400, 401, 403, 503] : [400, 401, 403, 404, 503], notFound === undefined ? {} : { 404: notFound }) },
  })

  app.get<Query<{ limit?: number; cursor?: string }>>('/v1/models', {
    onRequest,
    schema: schema({ operationId: 'listModels', summary: 'Monitored models with their latest window', querystring: ModelListQuerySchema }, ModelListSchema),
  }, async (request) => read.models(request.query))

  app.get<{ Params: { model: string } }>('/v1/models/:model', {
    onRequest,
    schema: schema({ operationId: 'getModel', summary: 'One model: its settings, versions, variants and latest window', params: ModelParamsSchema }, ModelSummarySchema, NOT_FOUND.model),
  }, async (request) => read.model(request.params.model))

  app.get<Query<{ from?: string; to?: string; version?: string; variant?: string; order?: 'asc' | 'desc'; limit?: number; cursor?: string }> & { Params: { model: string } }>(
    '/v1/models/:model/windows', {
      onRequest,
      schema: schema({ operationId: 'listWindows', summary: 'Per-window headline figures of a model', params: ModelParamsSchema, querystring: WindowSeriesQuerySchema }, WindowSeriesSchema, NOT_FOUND.windows),
    }, async (request) => {
      // from after to would select nothing: a 400 names the mistake instead of an empty page.
      timeRange(request.query.from, request.query.to)
      return read.windows(request.params.model, request.query)
    })

  app.get<Query<{ version?: string }> & { Params: { model: string; start: string } }>('/v1/models/:model/windows/:start', {
    onRequest,
    schema: schema({ operationId: 'getWindow', summary: 'One window in full', params: WindowParamsSchema, querystring: WindowDetailQuerySchema }, WindowDetailSchema, NOT_FOUND.window),
  }, async (request) => {
    parseTime(request.params.start, 'start')
    return read.window(request.params.model, request.params.start, request.query.version)
  })

  app.get<Query<{ status?: 'firing' | 'all'; since?: string; model?: string; limit?: number; cursor?: string }>>('/v1/alerts', {
    onRequest,
    schema: schema({ operationId: 'listAlerts', summary: 'Firing and recently resolved alerts with their transitions', querystring: AlertListQuerySchema }, AlertListSchema, NOT_FOUND.alerts),
  }, async (request) => {
    optionalTime(request.query.since, 'since')
    return read.alerts(request.query)
  })

  app.get<Query<AlertDeliveryOptions>>('/v1/alerts/deliveries', {
    onRequest,
    schema: schema({ operationId: 'listAlertDeliveries', summary: 'Alerts with their delivery per channel, and the active silences (what `driftwatch alerts list` shows)', querystring: AlertDeliveryQuerySchema }, AlertDeliveryReportSchema),
  }, async (request) => {
    optionalTime(request.query.transitions_since, 'transitions_since')
    return read.alertDeliveries(request.query)
  })

  app.get<Query<ComparisonOptions> & { Params: { model: string } }>('/v1/models/:model/comparisons', {
    onRequest,
    schema: schema({ operationId: 'listComparisons', summary: 'Challenger minus champion per window, with intervals and p-values', params: ModelParamsSchema, querystring: ComparisonQuerySchema }, ComparisonSeriesSchema, NOT_FOUND.comparisons),
  }, async (request) => {
    timeRange(request.query.from, request.query.to)
    return read.comparisons(request.params.model, request.query)
  })

  app.get<Query<DeadLetterOptions>>('/v1/dead-letters', {
    onRequest,
    schema: schema({ operationId: 'listDeadLetters', summary: 'Dead letters of a time range: counts by topic, code and model, and the most recent ones', querystring: DeadLetterQuerySchema }, DeadLetterReportSchema, NOT_FOUND.deadLetters),
  }, async (request) => {
    // The raw bytes are the producers' payloads (personal data included): admin only.
    if (request.query.raw && tokens !== null && !rolesOf(request.headers.authorization, tokens).has('admin')) {
      throw new DriftwatchError('DW_FORBIDDEN', 'raw=true needs a token with the admin role')
    }
    deadLetterRange({ now: Date.now }, request.query.from, request.query.to)
    return read.deadLetters(request.query)
  })
}

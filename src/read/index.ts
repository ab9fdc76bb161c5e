/**
 * The one module of read queries: the HTTP read API, the web UI (through the API) and
 * `driftwatch status` all read the stored figures through these functions, so no two surfaces
 * disagree. Every query takes the newest evaluation of a window.
 */
import { listAlertViews, type AlertListOptions } from './alerts.js'
import { comparisonSeries, type ComparisonOptions } from './comparisons.js'
import { deadLetterReport, type DeadLetterOptions } from './dead-letters.js'
import type { ReadDeps } from './deps.js'
import { getModel, listModels, type ModelListOptions } from './models.js'
import type { AlertView, ComparisonSeries, DeadLetterReport, ModelSummary, Page, WindowDetail, WindowSeries } from './types.js'
import { windowDetail } from './window-detail.js'
import { windowSeries, type SeriesOptions } from './windows.js'

export interface ReadQueries {
  models(o?: ModelListOptions): Promise<Page<ModelSummary>>
  model(model: string): Promise<ModelSummary>
  windows(model: string, o?: SeriesOptions): Promise<WindowSeries>
  window(model: string, start: string, version?: string): Promise<WindowDetail>
  alerts(o?: Omit<AlertListOptions, 'window'>): Promise<Page<AlertView>>
  comparisons(model: string, o?: ComparisonOptions): Promise<ComparisonSeries>
  deadLetters(o?: DeadLetterOptions): Promise<DeadLetterReport>
}

export function createReadQueries(deps: ReadDeps): ReadQueries {
  return {
    models: (o) => listModels(deps, o),
    model: (model) => getModel(deps, model),
    windows: (model, o) => windowSeries(deps, model, o),
    window: (model, start, version) => windowDetail(deps, model, start, version),
    alerts: (o) => listAlertViews(deps, o),
    comparisons: (model, o) => comparisonSeries(deps, model, o),
    deadLetters: (o) => deadLetterReport(deps, o),
  }
}

export type { ReadDeps } from './deps.js'
export type { AlertListOptions } from './alerts.js'
export type { ModelListOptions } from './models.js'
export type { ComparisonOptions } from './comparisons.js'
export type { DeadLetterOptions } from './dead-letters.js'
export type { SeriesOptions } from './windows.js'
export type * from './types.js'

/**
 * The one module of read queries: the HTTP read API, the web UI (through the API),
 * `driftwatch status` and `driftwatch alerts list` all read the stored figures through these
 * functions, so no two surfaces disagree. Every query takes the newest evaluation of a window.
 */
import { alertDeliveryReport, type AlertDeliveryOptions, type AlertDeliveryReport } from './alert-deliveries.js'
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
  /** What `driftwatch alerts list` shows: alerts with their deliveries per channel, and the active silences. */
  alertDeliveries(o?: AlertDeliveryOptions): Promise<AlertDeliveryReport>
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
    alertDeliveries: (o) => alertDeliveryReport(deps, o),
    comparisons: (model, o) => comparisonSeries(deps, model, o),
    deadLetters: (o) => deadLetterReport(deps, o),
  }
}

export type { ReadDeps } from './deps.js'
export type { AlertListOptions } from './alerts.js'
export type { AlertDelivery, AlertDeliveryItem, AlertDeliveryOptions, AlertDeliveryReport, AlertDeliveryTransition, SilenceView } from './alert-deliveries.js'
export type { ModelListOptions } from './models.js'
export type { ComparisonOptions } from './comparisons.js'
export type { DeadLetterOptions } from './dead-letters.js'
export type { SeriesOptions } from './windows.js'
export type * from './types.js'

import type { PredictionEvent } from '../../src/ingest/schemas.js'

export function prediction(overrides: Partial<PredictionEvent> = {}): PredictionEvent {
  return {
    prediction_id: 'p-1',
    model_id: 'loan-approval',
    model_version: 'v1',
    event_time: Date.UTC(2026, 10, 1, 12, 0, 0, 123),
    features: { income: 52000.5, employment: 'salaried', has_guarantor: true, debt_ratio: null },
    prediction: { class_label: 'approve', score: 0.81, probabilities: null, value: null },
    segments: { gender: 'f', age_band: '30-39' },
    deployment: { environment: 'production', variant: 'champion' },
    subject_id: null,
    ...overrides,
  }
}

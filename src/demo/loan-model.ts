/**
 * A simulated loan-approval model, the demo's data. Pure and seeded: the same options give the
 * same events.
 *
 * - `days` days of traffic in event time; the first `referenceDays` are the reference period.
 * - From `driftDay` on, applicants' income falls by 25% and a new employment category ('gig')
 *   appears: feature drift, which also shifts the score distribution (prediction drift).
 * - Group 'B' of the protected attribute `group` gets a lower score at equal risk: a fairness gap.
 * - 20% of traffic goes to a challenger version, whose scores are better calibrated.
 * - Each prediction's true outcome is drawn from the true default risk; its label arrives
 *   0 to 10 days later in event time (some never do).
 */
import type { GroundTruthEvent, PredictionEvent } from '../ingest/schemas.js'
import { createRng } from './random.js'

export interface LoanDemoOptions {
  readonly seed: number
  readonly startMs: number
  readonly days: number
  readonly perDay: number
  readonly referenceDays: number
  readonly driftDay: number
}

export const DEFAULT_LOAN_DEMO: LoanDemoOptions = {
  seed: 42,
  startMs: Date.UTC(2026, 9, 1),
  days: 14,
  perDay: 2000,
  referenceDays: 7,
  driftDay: 9,
}

export interface LoanDemoData {
  readonly predictions: PredictionEvent[]
  readonly labels: GroundTruthEvent[]
}

const DAY_MS = 86_400_000
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x))

export function simulateLoanModel(o: LoanDemoOptions = DEFAULT_LOAN_DEMO): LoanDemoData {
  const rng = createRng(o.seed)
  const predictions: PredictionEvent[] = []
  const labels: GroundTruthEvent[] = []
  for (let day = 0; day < o.days; day++) {
    const drifted = day >= o.driftDay
    for (let i = 0; i < o.perDay; i++) {
      const eventTime = o.startMs + day * DAY_MS + Math.floor(rng.next() * DAY_MS)
      const group = rng.pick(['A', 'B'], [0.6, 0.4])
      const income = Math.exp(rng.normal(10.9, 0.45)) * (drifted ? 0.75 : 1)
      const debtRatio = Math.min(0.95, Math.max(0.01, rng.normal(0.32, 0.12)))
      const creditScore = Math.round(Math.min(850, Math.max(300, rng.normal(680, 60))))
      const employment = drifted
        ? rng.pick(['salaried', 'self-employed', 'unemployed', 'gig'], [0.55, 0.15, 0.05, 0.25])
        : rng.pick(['salaried', 'self-employed', 'unemployed'], [0.75, 0.2, 0.05])
      // True probability of repaying, and the model's view of it.
      const logit = 1.2 + 0.9 * Math.log(income / 55_000) - 4 * (debtRatio - 0.32) + 0.012 * (creditScore - 680) - (employment === 'unemployed' ? 1.2 : 0)
      const pRepay = sigmoid(logit)
      const challenger = rng.next() < 0.2
      const bias = group === 'B' ? -0.9 : 0
      const score = sigmoid(logit + bias + (challenger ? 0 : rng.normal(0, 0.6)))
      const id = `loan-${day}-${i}`
      predictions.push({
        prediction_id: id,
        model_id: 'loan-approval',
        model_version: challenger ? 'v2' : 'v1',
        event_time: eventTime,
        features: {
          income: Math.round(income),
          debt_ratio: Math.round(debtRatio * 1000) / 1000,
          credit_score: creditScore,
          employment,
          loan_amount: Math.round(Math.exp(rng.normal(9.6, 0.5))),
        },
        prediction: { class_label: score >= 0.5 ? 'approve' : 'decline', score, probabilities: null, value: null },
        segments: { group },
        deployment: { environment: 'production', variant: challenger ? 'challenger' : 'champion' },
        subject_id: `applicant-${day}-${i}`,
      })
      if (rng.next() < 0.85) {
        const delayMs = Math.floor(rng.next() * 10 * DAY_MS)
        labels.push({
          prediction_id: id,
          label: { class_label: rng.next() < pRepay ? 'approve' : 'decline', value: null },
          label_time: eventTime + delayMs,
          source: 'repayment',
        })
      }
    }
  }
  return { predictions, labels }
}

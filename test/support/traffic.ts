/** Seeded prediction + label traffic for integration tests (the demo's loan model, smaller). */
import { DEFAULT_LOAN_DEMO, simulateLoanModel, type LoanDemoData } from '../../src/demo/loan-model.js'

/**
 * `perDay` predictions a day over `days` days ending 11 days ago, labels with delays. The drift
 * starts on `driftDay` (0-based; default the day before the last): a test whose alerts must be firing after one
 * evaluation of every window drifts the last day, since a rule reads the newest window and a
 * reference of the previous windows takes in a drift that began earlier.
 */
export function loanTraffic(days: number, perDay: number, seed = 7, driftDay = Math.max(1, days - 2)): LoanDemoData {
  const dayMs = 86_400_000
  const startMs = Math.floor(Date.now() / dayMs) * dayMs - (days + 11) * dayMs
  return simulateLoanModel({ ...DEFAULT_LOAN_DEMO, seed, startMs, days, perDay, driftDay, referenceDays: 2 })
}

export const LOAN_MODEL_YAML = `models:
  - id: loan-approval
    window: 1d
    allowedLateness: 1h
    positiveClass: approve
    protected: [group]
    reference: { previousWindows: 2 }
`

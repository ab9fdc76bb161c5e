/**
 * The one privacy step every path takes before anything is stored: the stream (Kafka and the
 * embedded source, so HTTP ingest too), the label backfill (labels carry no personal fields; they
 * go through the stream) and `driftwatch baseline`. subject_id is always pseudonymized, and so are
 * the features a model lists under `pii` (HMAC-SHA256, src/store/pseudonymize.ts): a pii feature is
 * stored as a categorical pseudonym wherever it is stored, so a baseline and the stream compare
 * pseudonyms with pseudonyms.
 */
import type { FileConfig } from '../config/file.js'
import { pseudonymizerFor, type Pseudonymize } from './pseudonymize.js'

export interface Privacy {
  readonly pseudonymize: Pseudonymize
  /** Features to pseudonymize, by model id. */
  readonly piiFeatures: (modelId: string) => ReadonlySet<string>
}

/** The privacy step of a deployment: its key (src/store/pseudonymize.ts) and each model's pii features. */
export function privacyFor(config: Parameters<typeof pseudonymizerFor>[0], file: FileConfig): Privacy {
  const none: ReadonlySet<string> = new Set()
  const byModel = new Map(file.models.map((m) => [m.id, new Set(m.pii)]))
  return { pseudonymize: pseudonymizerFor(config), piiFeatures: (modelId) => byModel.get(modelId) ?? none }
}

/**
 * A feature value as it is stored: a pii feature's non-missing value becomes the pseudonym of its
 * text (a string, so categorical), every other value stays as it is.
 */
export function storedFeatureValue<V>(privacy: Privacy, modelId: string): (name: string, value: V) => V | string {
  const pii = privacy.piiFeatures(modelId)
  return (name, value) => (pii.has(name) && value !== null && value !== undefined ? privacy.pseudonymize(String(value)) : value)
}

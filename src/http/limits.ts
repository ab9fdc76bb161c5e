/**
 * The validation limits HTTP ingest applies: the same ones the consumers apply (both come from
 * limitsFromConfig), so an item answered `accepted` is not dead-lettered downstream.
 */
import type { FileConfig } from '../config/file.js'
import { limitsFromConfig, type ValidationLimits } from '../ingest/validate.js'

export interface IngestLimits {
  readonly validation: ValidationLimits
  /** The consumers dead-letter records larger than this (Avro, with the 5-byte frame header). */
  readonly maxRecordBytes: number
  /** Most items in one request. */
  readonly maxItems: number
}

export function ingestLimits(file: FileConfig, maxItems: number): IngestLimits {
  return {
    validation: limitsFromConfig(file.ingest, file.models.map((m) => m.id)),
    maxRecordBytes: file.ingest.maxRecordBytes,
    maxItems,
  }
}

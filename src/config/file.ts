/**
 * The monitoring configuration file (driftwatch.yaml): models and ingest policy. Validated once;
 * every problem is reported with its path in the file.
 */
import { existsSync, readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { z } from 'zod'
import { DriftwatchError } from '../errors.js'

const ModelSchema = z.strictObject({
  id: z.string().min(1).max(256),
  task: z.enum(['binary', 'multiclass', 'regression']).default('binary'),
  positiveClass: z.string().min(1).optional(),
  features: z.record(z.string(), z.enum(['numerical', 'categorical'])).default({}),
  protected: z.array(z.string().min(1)).default([]),
})

export const FileConfigSchema = z.strictObject({
  ingest: z
    .strictObject({
      /** What to do with events of a model the file does not list. */
      unknownModels: z.enum(['accept', 'reject']).default('accept'),
      /** Records larger than this many bytes are dead-lettered (DW_RECORD_TOO_LARGE). */
      maxRecordBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
      /** Event times later than now + this are rejected (DW_TIMESTAMP_OUT_OF_RANGE). */
      maxFutureMs: z.number().int().min(0).default(24 * 3600 * 1000),
    })
    .prefault({}),
  models: z.array(ModelSchema).default([]),
})

export type FileConfig = z.infer<typeof FileConfigSchema>
export type ModelConfig = z.infer<typeof ModelSchema>

export const DEFAULT_FILE_CONFIG: FileConfig = FileConfigSchema.parse({})

export function parseFileConfig(text: string, fileName: string): FileConfig {
  let raw: unknown
  try {
    raw = parse(text) ?? {}
  } catch (e) {
    throw new DriftwatchError('DW_CONFIG_INVALID', `${fileName}: not valid YAML: ${(e as Error).message}`)
  }
  const parsed = FileConfigSchema.safeParse(raw)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${fileName}: ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    throw new DriftwatchError('DW_CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`, { problems })
  }
  const ids = parsed.data.models.map((m) => m.id)
  const dup = ids.find((id, i) => ids.indexOf(id) !== i)
  if (dup) throw new DriftwatchError('DW_CONFIG_INVALID', `invalid configuration:\n  ${fileName}: models: model id "${dup}" is listed twice`, { problems: [`models: duplicate id ${dup}`] })
  return parsed.data
}

/** Reads the file when it exists; a path that was asked for explicitly must exist. */
export function loadFileConfig(path: string | null): FileConfig {
  const file = path ?? 'driftwatch.yaml'
  if (!existsSync(file)) {
    if (path) throw new DriftwatchError('DW_CONFIG_INVALID', `configuration file ${path} does not exist`)
    return DEFAULT_FILE_CONFIG
  }
  return parseFileConfig(readFileSync(file, 'utf8'), file)
}

import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { CONFIG_SCHEMA_PATH, configJsonSchema, formatConfigSchema } from './config-schema.js'

const README_EXAMPLE = `
ingest:
  unknownModels: accept
  maxRecordBytes: 1048576
models:
  - id: loan-approval
    task: binary
    positiveClass: approve
    protected: [group]
    window: 1d
    allowedLateness: 1h
    reference: { from: "2026-10-01", to: "2026-10-08" }
join:
  indexSize: 200000
  horizon: 30d
  orphanAfter: 30d
retention:
  raw: 90d
  metrics: 730d
evaluation:
  interval: 10s
  maxSampleSize: 2000
`

describe('schemas/driftwatch.schema.json', () => {
  it('is the generated schema (run `npx tsx scripts/gen-config-schema.ts` after changing src/config/file.ts)', () => {
    expect(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')).toBe(formatConfigSchema())
  })

  const ajv = new Ajv2020({ strict: false, allowUnionTypes: true })
  ;(addFormats as unknown as (a: Ajv2020) => void)(ajv)
  const validate = ajv.compile(configJsonSchema())

  it('accepts the README example and an empty file', () => {
    expect(validate(parse(README_EXAMPLE)), JSON.stringify(validate.errors)).toBe(true)
    expect(validate({})).toBe(true)
  })

  it.each([
    ['a misspelt key', 'models:\n  - id: m\n    tsak: binary\n', '/models/0'],
    ['a wrong enum', 'ingest: { unknownModels: maybe }\n', '/ingest/unknownModels'],
    ['a model without id', 'models:\n  - window: 1d\n', '/models/0'],
    ['an unknown section', 'alerting: {}\n', ''],
  ])('rejects %s', (_what, yaml, path) => {
    expect(validate(parse(yaml))).toBe(false)
    expect(validate.errors?.map((e) => e.instancePath)).toContain(path)
  })
})

/**
 * JSON Schema (2020-12) of driftwatch.yaml, generated from the zod schema that validates the file
 * (src/config/file.ts), so editors complete and check exactly what `start` accepts. It describes
 * the input side: durations are a string such as "1h" or a number of ms, dates ISO strings.
 * Rules zod checks in code (durations' syntax, from < to, unique model ids) are not in it.
 *
 * Committed at schemas/driftwatch.schema.json; `npx tsx scripts/gen-config-schema.ts` writes it
 * and a unit test fails when the committed file differs from this output.
 */
import { packagePath } from '../package-root.js'
import { z } from 'zod'
import { FileConfigSchema } from '../config/file.js'

export const CONFIG_SCHEMA_PATH = packagePath('schemas', 'driftwatch.schema.json')

export function configJsonSchema(): Record<string, unknown> {
  const { $schema, ...schema } = z.toJSONSchema(FileConfigSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>
  return {
    $schema,
    title: 'driftwatch.yaml',
    description:
      'driftwatch monitoring configuration: models, ingest policy, join, retention and evaluation. ' +
      'Generated from src/config/file.ts by scripts/gen-config-schema.ts; check a file with `driftwatch config validate`.',
    ...schema,
  }
}

/** The file's exact text: 2-space JSON and a final newline. */
export const formatConfigSchema = (): string => `${JSON.stringify(configJsonSchema(), null, 2)}\n`

/**
 * Writes schemas/driftwatch.schema.json from the zod schema of driftwatch.yaml.
 *   npx tsx scripts/gen-config-schema.ts          # (re)generate
 *   npx tsx scripts/gen-config-schema.ts --check  # exit 1 when the committed file is stale
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { CONFIG_SCHEMA_PATH, formatConfigSchema } from '../src/cli/config-schema.js'

const text = formatConfigSchema()
if (process.argv.includes('--check')) {
  const current = existsSync(CONFIG_SCHEMA_PATH) ? readFileSync(CONFIG_SCHEMA_PATH, 'utf8') : ''
  if (current !== text) {
    process.stderr.write(`${CONFIG_SCHEMA_PATH} is stale: run npx tsx scripts/gen-config-schema.ts\n`)
    process.exitCode = 1
  }
} else {
  writeFileSync(CONFIG_SCHEMA_PATH, text)
  process.stdout.write(`wrote ${CONFIG_SCHEMA_PATH}\n`)
}

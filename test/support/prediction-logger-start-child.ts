/**
 * Child process of test/prediction-logger-refusals.test.ts: creates a prediction logger with the
 * brokers and registry URL it is given, prints how that failed as one JSON line, and returns. The
 * process must then exit on its own: nothing the failed start opened may keep it alive.
 *
 *   node --import tsx prediction-logger-start-child.ts <brokers> <registryUrl> <topicPrefix>
 */
import { createPredictionLogger } from '../../src/index.js'

const [brokers = '', registryUrl = '', topicPrefix = ''] = process.argv.slice(2)
const started = Date.now()
try {
  const logger = await createPredictionLogger({ brokers: brokers.split(','), registryUrl, topicPrefix })
  console.log(JSON.stringify({ created: true }))
  await logger.close()
} catch (e) {
  const err = e as { code?: string; name?: string; message?: string }
  console.log(JSON.stringify({ created: false, code: err.code ?? null, name: err.name, message: err.message, ms: Date.now() - started }))
}

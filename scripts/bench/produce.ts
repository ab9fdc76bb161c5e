/**
 * Produces the throughput run's input in its own process, so the measuring process's memory and
 * CPU are the consumers' alone: N Avro predictions (20 features, scripts/bench/join-memory.ts)
 * through the schema registry, and a label for every second one. Prints one JSON line.
 *
 *   tsx scripts/bench/produce.ts <prefix> <N>
 */
import { startApp } from '../../src/app.js'
import { loadRuntimeConfig } from '../../src/config/env.js'
import { createLogger } from '../../src/observability/logger.js'
import { benchConfig, benchEnv, syntheticPrediction } from './join-memory.js'

const [prefix, n] = [process.argv[2]!, Number(process.argv[3])]
const app = await startApp(loadRuntimeConfig({ ...benchEnv(prefix), KAFKA_GROUP_ID: `${prefix}-unused` }), createLogger('error'), { consume: false, evaluate: false, file: benchConfig() })
const t0 = Date.now() - 2 * 86_400_000
const started = Date.now()
for (let i = 0; i < n; i += 5000) {
  const batch = Array.from({ length: Math.min(5000, n - i) }, (_, j) => syntheticPrediction(i + j, t0))
  await app.publisher.publishPredictions(batch)
  await app.publisher.publishGroundTruth(batch.filter((_, j) => (i + j) % 2 === 0).map((p) => ({ prediction_id: p.prediction_id, label: { class_label: 'yes', value: null }, label_time: Date.now() - 1000, source: 'bench' })))
}
const seconds = (Date.now() - started) / 1000
await app.stop()
console.log(JSON.stringify({ predictions: n, labels: Math.ceil(n / 2), seconds }))

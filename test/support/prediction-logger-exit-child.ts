/**
 * Child process of test/prediction-logger-exit.test.ts: logs `count` predictions and ends its
 * script without `close()`. Prints one JSON line with the stats once the events are logged, and
 * one at exit.
 *
 *   node --import tsx prediction-logger-exit-child.ts <brokers> <registryUrl> <topicPrefix> <idPrefix> <count> <how>
 *
 * how:
 * - `idle`: before logging, the logger's Kafka connections are closed as a broker closes an idle
 *   one (connections.max.idle.ms): nothing but the logger's buffer is left to keep the process alive.
 * - `exit`: the script calls process.exit() right after logging.
 * - `close-exit`: the script calls close() without awaiting it, then process.exit().
 */
import { Socket } from 'node:net'
import { createPredictionLogger } from '../../src/index.js'

const [brokers = '', registryUrl = '', topicPrefix = '', idPrefix = 'exit', count = '50', how = 'idle'] = process.argv.slice(2)
const errors: string[] = []
// lingerMs of a minute: the linger timer does not send them before the script ends.
const logger = await createPredictionLogger({ brokers: brokers.split(','), registryUrl, topicPrefix, lingerMs: 60_000, onError: (e) => errors.push((e as Error).message) })
process.on('exit', (code) => console.log(JSON.stringify({ at: 'exit', code, stats: logger.stats(), errors })))

if (how === 'idle') {
  const ports = new Set(brokers.split(',').map((b) => Number(b.split(':').pop())))
  // Half-close each connection: the broker closes its side in answer, as it closes an idle one.
  // process._getActiveHandles is undocumented, and the only way to reach kafkajs's sockets from outside.
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles()
  for (const h of handles) if (h instanceof Socket && ports.has(h.remotePort ?? -1)) h.end()
}
const now = Date.now()
for (let i = 0; i < Number(count); i++) {
  logger.logPrediction({ prediction_id: `${idPrefix}-${i}`, model_id: 'm', model_version: 'v1', event_time: now - 60_000, features: { x: i }, prediction: { score: 0.5 } })
}
console.log(JSON.stringify({ at: 'logged', stats: logger.stats() }))
if (how === 'exit') process.exit(0)
if (how === 'close-exit') {
  void logger.close().catch(() => undefined)
  process.exit(0)
}

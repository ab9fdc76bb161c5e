/**
 * Entry point of the predictions consumer: `tsx consumers/predictions.ts`, or `driftwatch start`.
 * Wiring only; the composition root is src/app.ts. Run more instances with the same
 * KAFKA_GROUP_ID to scale out over the topic's partitions.
 */
import { loadRuntimeConfig } from '../src/config/env.js'
import { createLogger } from '../src/observability/logger.js'
import { runStart } from '../src/cli/start.js'

const config = loadRuntimeConfig(process.env)
process.exitCode = await runStart(config, createLogger(config.logLevel))

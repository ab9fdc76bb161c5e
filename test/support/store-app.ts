/**
 * An app with its store alone (no consumer, no evaluator, no models) for a test file that works
 * on the engine directly: started before the file's tests, stopped after them.
 */
import { afterAll, beforeAll } from 'vitest'
import { startApp, type App } from '../../src/app.js'
import { parseFileConfig } from '../../src/config/file.js'
import { createLogger } from '../../src/observability/logger.js'
import { testConfig } from './config.js'

export function storeOnlyApp(): { readonly app: App } {
  const config = testConfig({ partitions: 1 })
  let app: App | undefined
  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { consume: false, evaluate: false, file: parseFileConfig('models: []', 'test.yaml') })
  })
  afterAll(async () => {
    await app?.stop()
  })
  return {
    get app() {
      if (!app) throw new Error('the store app is started in beforeAll')
      return app
    },
  }
}

import type { App } from '../../src/app.js'

/** Watches whether the app's consumer stopped: `failed()` is its failure, or null while it runs. */
export function watchDone(app: App): { readonly failed: () => unknown } {
  let failure: unknown = null
  app.done.catch((e: unknown) => (failure = e ?? 'rejected'))
  return { failed: () => failure }
}

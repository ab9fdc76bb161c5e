/** Polls until `probe` returns a value accepted by `done`, or fails with the last value seen. */
export async function waitFor<T>(probe: () => Promise<T>, done: (v: T) => boolean, { timeoutMs = 60_000, intervalMs = 250, what = 'condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: T
  for (;;) {
    last = await probe()
    if (done(last)) return last
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

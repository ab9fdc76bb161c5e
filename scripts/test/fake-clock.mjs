/**
 * Shifts this Node process's wall clock (Date.now(), new Date(), Date()) by
 * DW_FAKE_CLOCK_OFFSET_MS, for scripts/test/at-clock.sh. Loaded with `node --import` through
 * NODE_OPTIONS, so vitest's workers and every child process a test spawns get the same offset
 * and one continuous clock. Timers and performance.now() are untouched (they are monotonic).
 *
 * Why not libfaketime alone: it shifts Node too, but chDB in the same process waits on
 * CLOCK_REALTIME deadlines it computes without libc, which libfaketime then shifts into the
 * past: with the fake clock ahead of the real one chDB busy-waits (2.5 s of CPU per 5 s idle,
 * measured) and integration tests time out. chDB's now64() keeps the real clock either way.
 */
const offset = Number(process.env.DW_FAKE_CLOCK_OFFSET_MS)
if (Number.isFinite(offset) && offset !== 0 && !globalThis.__dwFakeClock) {
  const RealDate = Date
  const realNow = RealDate.now
  const now = () => realNow() + offset
  globalThis.__dwFakeClock = { offset }
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args, newTarget) => Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget),
    apply: () => new RealDate(now()).toString(),
    get: (target, prop, receiver) => (prop === 'now' ? now : Reflect.get(target, prop, receiver)),
  })
}

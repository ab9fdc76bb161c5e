/**
 * Several connections used as one: each call goes to the member with the fewest calls running,
 * the first such member on a tie. For the embedded engine (src/store/clickhouse.ts): one chDB
 * connection runs its statements one after another, while connections to the same data directory
 * run theirs at the same time, on the one engine and its data. A ClickHouse server gets the same
 * concurrency from @clickhouse/client's own socket pool.
 *
 * A statement sees what every statement that settled before it was issued wrote, on whichever
 * member either ran: all members share one engine. Statements issued together run in no
 * particular order, as they do on a server; no caller relies on more. Pure bookkeeping: no I/O.
 */
export class ConnectionPool<C> {
  private readonly running: number[]
  private readonly calls = new Set<Promise<unknown>>()
  /** Each member's calls running, settled or not. */
  private readonly callsOf: Set<Promise<unknown>>[]
  /** Members a call has for itself (runExclusive): no call is given them meanwhile. */
  private readonly held: number[]

  constructor(readonly members: readonly C[]) {
    if (members.length === 0) throw new Error('a connection pool needs at least one connection')
    this.running = members.map(() => 0)
    this.callsOf = members.map(() => new Set())
    this.held = members.map(() => 0)
  }

  /** Runs `use` on the least busy member; the member counts as busy until `use` settles. */
  run<R>(use: (member: C) => Promise<R>): Promise<R> {
    return this.runOn(this.leastBusy(), use)
  }

  /**
   * Runs `use` alone on the least busy member: once the calls already running on it have settled,
   * and with no other call given to it until `use` settles. For a call that issues more than one
   * request on its member, such as reading a result stream chunk by chunk (chDB keeps one stream
   * per connection, and a statement run on it between two chunks ends the stream). The other
   * calls share the remaining members; with every member held, the least busy one anyway.
   */
  async runExclusive<R>(use: (member: C) => Promise<R>): Promise<R> {
    const i = this.leastBusy()
    this.held[i]!++
    try {
      while (this.callsOf[i]!.size > 0) await Promise.all([...this.callsOf[i]!])
      return await this.runOn(i, use)
    } finally {
      this.held[i]!--
    }
  }

  private leastBusy(): number {
    const { running, held } = this
    let best = -1
    for (let j = 0; j < running.length; j++) if (held[j] === 0 && (best < 0 || running[j]! < running[best]!)) best = j
    if (best >= 0) return best
    // Every member held: the least busy one anyway.
    best = 0
    for (let j = 1; j < running.length; j++) if (running[j]! < running[best]!) best = j
    return best
  }

  private async runOn<R>(i: number, use: (member: C) => Promise<R>): Promise<R> {
    const { running } = this
    running[i]!++
    const call = use(this.members[i]!)
    const settled = call.then(
      () => undefined,
      () => undefined,
    )
    this.calls.add(settled)
    this.callsOf[i]!.add(settled)
    try {
      return await call
    } finally {
      running[i]!--
      this.calls.delete(settled)
      this.callsOf[i]!.delete(settled)
    }
  }

  /** Settles once no call runs, those started meanwhile included: before the members close. */
  async idle(): Promise<void> {
    while (this.calls.size > 0) await Promise.all([...this.calls])
  }
}

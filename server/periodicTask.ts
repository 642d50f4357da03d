/**
 * A background job of one node run now and then every `everyMs`, and again on demand, one run at
 * a time, between `start` (after the server listens) and `stop` (before the store closes). The
 * publishing worker and the deadline sweep are such jobs.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<unknown> | null = null

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly everyMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Between start() and stop(): a run under way checks this to end early once stopped. */
  get active(): boolean {
    return this.timer !== null
  }

  /** Run now, then every `everyMs`. */
  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => this.kick(), this.everyMs)
    this.timer.unref()
    this.kick()
  }

  /** Run soon, unless a run is under way. Not before start() nor after stop(): a request finishing during shutdown starts nothing. */
  kick(): void {
    if (this.running || !this.timer) return
    this.running = this.run()
      .catch(this.onError)
      .finally(() => {
        this.running = null
      })
  }

  /** Stop; resolves once a run under way is done. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running
  }
}

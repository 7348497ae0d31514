import { Waker } from './sleep.js';

type PassOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * A background loop: `pass` runs again and again until `stop`. After each pass it sleeps for the milliseconds
 * `pauseAfter` returns for its outcome (0: straight on), or until `wake`. `stop` resolves once the pass in hand
 * has finished.
 */
export class BackgroundLoop<T> {
  private running = false;
  private loop: Promise<void> | undefined;

  /** `waker`: one created by whoever wires the loop, so others can be given its `wake` before the loop exists. */
  constructor(
    private readonly pass: () => Promise<T>,
    private readonly pauseAfter: (outcome: PassOutcome<T>) => number,
    private readonly waker: Waker = new Waker(),
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  wake(): void {
    this.waker.wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.waker.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let outcome: PassOutcome<T>;
      try {
        outcome = { ok: true, value: await this.pass() };
      } catch (error) {
        outcome = { ok: false, error };
      }
      const pause = this.pauseAfter(outcome);
      if (pause > 0 && this.running) await this.waker.wait(pause);
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A promise that resolves when `wake()` is called or after `ms`, whichever is first. A wake that comes while
 * nobody waits is remembered, so the next `wait` returns at once.
 */
export class Waker {
  private pending: (() => void) | undefined;
  private signalled = false;

  wait(ms: number): Promise<void> {
    if (this.signalled) {
      this.signalled = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.pending === done) this.pending = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pending = done;
    });
  }

  wake(): void {
    if (this.pending) this.pending();
    else this.signalled = true;
  }
}

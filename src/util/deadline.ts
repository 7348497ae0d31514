/** The outcome of work given a time budget: its value if it finished in time, else the work still under way. */
type Raced<T> = { done: true; value: T } | { done: false; later: Promise<T> };

/**
 * Waits for `work` at most `ms`. Work that is late keeps running: the caller answers without it and uses `later`
 * when it settles (e.g. a card click answered in time, its slow lookup finishing after the answer).
 */
export async function within<T>(work: Promise<T>, ms: number): Promise<Raced<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  const first = await Promise.race([work.then((value) => ({ value })), late]);
  clearTimeout(timer);
  return first === 'late' ? { done: false, later: work } : { done: true, value: first.value };
}

/**
 * `n` results of `next`, with at most `concurrency` calls in flight: how the bench's OAuth clients collect a batch
 * of codes through the real authorization endpoints before a run.
 */
export async function concurrently<T>(n: number, concurrency: number, next: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let started = 0;
  const worker = async () => {
    while (started < n) {
      started++;
      results.push(await next());
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return results;
}

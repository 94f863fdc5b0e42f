import { formatDuration } from '../text.js';

/** Late events are normal: CloudWatch timestamps are the events' own, ingestion lags behind. */
export const INGESTION_GRACE_MS = 60_000;
/** How often the wait says how long is left. */
export const SOAK_PROGRESS_MS = 60_000;

export interface SoakOptions {
  deployedAt: number;
  soakMs: number;
  graceMs?: number;
  now?: () => number;
  wait?: (ms: number, signal?: AbortSignal) => Promise<unknown>;
  log: (message: string) => void;
  signal?: AbortSignal;
}

/**
 * Waits until the after window has ended plus the ingestion grace, printing progress every
 * minute ("soaking: 6m12s left"). The moment the window and grace end is the deadline: the wait
 * never goes past it, even when the clock jumps, and when the step starts after it there is no
 * wait at all. Resolves with the milliseconds waited; rejects when the signal aborts.
 */
export async function waitForSoak(options: SoakOptions): Promise<number> {
  const now = options.now ?? Date.now;
  const wait = options.wait ?? sleep;
  const afterEnds = options.deployedAt + options.soakMs;
  const deadline = afterEnds + (options.graceMs ?? INGESTION_GRACE_MS);
  const started = now();
  const total = deadline - started;
  if (total <= 0) return 0;

  options.log(
    `soaking: ${formatDuration(total)} left (the after window ends ${new Date(afterEnds).toISOString()}, then ${formatDuration(deadline - afterEnds)} for late events)`,
  );
  // Waits add up to the time left at the start at most, whatever the clock says meanwhile.
  let waited = 0;
  for (;;) {
    const left = Math.min(deadline - now(), total - waited);
    if (left <= 0) break;
    const step = Math.min(left, SOAK_PROGRESS_MS);
    options.signal?.throwIfAborted();
    await wait(step, options.signal);
    waited += step;
    const stillLeft = Math.min(deadline - now(), total - waited);
    if (stillLeft > 0) options.log(`soaking: ${formatDuration(stillLeft)} left`);
  }
  return Math.max(0, now() - started);
}

/** A timer on the global `setTimeout` (which test clocks replace), cancelled by the signal. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The clock of the looks during a soak: Date.now and the global timers, which test clocks replace. */
export const timerClock = { now: () => Date.now(), sleep };

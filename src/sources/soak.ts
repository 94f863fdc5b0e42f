import { setTimeout as sleep } from 'node:timers/promises';
import { formatDuration } from '../text.js';

/** Late events are normal: CloudWatch timestamps are the events' own, ingestion lags behind. */
export const INGESTION_GRACE_MS = 60_000;

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
 * minute. Never waits longer than soak + grace from `deployed-at`, and not at all when the step
 * starts after that.
 */
export async function waitForSoak(options: SoakOptions): Promise<number> {
  const now = options.now ?? Date.now;
  const wait =
    options.wait ?? ((ms: number, signal?: AbortSignal) => sleep(ms, undefined, { signal }));
  const readyAt = options.deployedAt + options.soakMs + (options.graceMs ?? INGESTION_GRACE_MS);
  const started = now();
  let left = readyAt - started;
  if (left <= 0) return 0;
  options.log(
    `soaking: ${formatDuration(left)} left (the after window ends ${new Date(options.deployedAt + options.soakMs).toISOString()})`,
  );
  while (left > 0) {
    await wait(Math.min(left, 60_000), options.signal);
    left = readyAt - now();
    if (left > 0) options.log(`soaking: ${formatDuration(left)} left`);
  }
  return now() - started;
}

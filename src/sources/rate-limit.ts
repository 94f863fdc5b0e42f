/** The shared request limiter that keeps all log groups of a run within the FilterLogEvents quota. */
import { setTimeout as sleep } from 'node:timers/promises';

/** FilterLogEvents is limited per account and region (5 requests/second by default). */
export const DEFAULT_REQUESTS_PER_SECOND = 5;
export interface RateLimiter {
  /** Resolves when the caller may send one request; rejects when the signal aborts first. */
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
};

/**
 * A token bucket of capacity one: requests are spaced 1/perSecond apart, in the order they
 * asked. Shared by all sources of a run, so several log groups together stay within the quota.
 */
export function createRateLimiter(perSecond: number, clock: Clock = realClock): RateLimiter {
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) {
    throw new RangeError(`requests per second must be a positive number, got ${perSecond}`);
  }
  const interval = 1000 / perSecond;
  let nextSlot = -Infinity;
  return {
    async acquire(signal) {
      signal?.throwIfAborted();
      const now = clock.now();
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + interval;
      if (slot > now) await clock.sleep(slot - now, signal);
    },
  };
}

/**
 * "Equal jitter": half the pause that doubles each round (from baseMs, at most maxMs) for sure,
 * so it backs off, the other half random.
 */
export function equalJitter(round: number, baseMs: number, maxMs: number, random: () => number) {
  const pause = Math.min(maxMs, baseMs * 2 ** round);
  return Math.round(pause / 2 + (pause / 2) * random());
}

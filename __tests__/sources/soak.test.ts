import { describe, expect, it, jest } from '@jest/globals';
import { waitForSoak, type SoakOptions } from '../../src/sources/soak.js';

const MINUTE = 60_000;
const DEPLOYED = Date.UTC(2026, 2, 1, 14, 0, 0);

/** An injected clock: `wait` moves the time by what was asked (plus `lateMs`, like a busy timer). */
function clock(start: number, lateMs = 0) {
  const state = {
    time: start,
    waits: [] as number[],
    logs: [] as string[],
    now: () => state.time,
    wait: (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      state.waits.push(ms);
      state.time += ms + lateMs;
      return Promise.resolve();
    },
    log: (message: string) => state.logs.push(message),
  };
  return state;
}

function soak(state: ReturnType<typeof clock>, options: Partial<SoakOptions> = {}) {
  return waitForSoak({
    deployedAt: DEPLOYED,
    soakMs: 10 * MINUTE,
    now: state.now,
    wait: state.wait,
    log: state.log,
    ...options,
  });
}

describe('waitForSoak', () => {
  it('waits for the after window plus the grace, saying every minute how long is left', async () => {
    // The step starts 4m48s after the deploy: 10m soak + 1m grace leave 6m12s.
    const state = clock(DEPLOYED + 4 * MINUTE + 48_000);
    await expect(soak(state)).resolves.toBe(6 * MINUTE + 12_000);
    expect(state.logs).toEqual([
      'soaking: 6m12s left (the after window ends 2026-03-01T14:10:00.000Z, then 1m for late events)',
      'soaking: 5m12s left',
      'soaking: 4m12s left',
      'soaking: 3m12s left',
      'soaking: 2m12s left',
      'soaking: 1m12s left',
      'soaking: 12s left',
    ]);
    expect(state.waits).toEqual([...Array<number>(6).fill(MINUTE), 12_000]);
    expect(state.time).toBe(DEPLOYED + 11 * MINUTE);
  });

  it('does not wait at all when the step starts after the window and the grace', async () => {
    const state = clock(DEPLOYED + 3 * 60 * MINUTE);
    await expect(soak(state)).resolves.toBe(0);
    expect(state.waits).toEqual([]);
    expect(state.logs).toEqual([]);
  });

  it('does not wait when the step starts exactly at the deadline', async () => {
    const state = clock(DEPLOYED + 11 * MINUTE);
    await expect(soak(state)).resolves.toBe(0);
    expect(state.waits).toEqual([]);
  });

  it('waits only for the rest of the grace when the window has just ended', async () => {
    const state = clock(DEPLOYED + 10 * MINUTE + 15_000);
    await soak(state, { graceMs: 90_000 });
    expect(state.waits).toEqual([MINUTE, 15_000]);
    expect(state.time).toBe(DEPLOYED + 11 * MINUTE + 30_000);
  });

  it('never asks to wait past the deadline, even with a timer that fires late', async () => {
    const state = clock(DEPLOYED, 700);
    await soak(state, { soakMs: 3 * MINUTE, graceMs: 0 });
    // Each wait asks for no more than what is left at that moment.
    let time = DEPLOYED;
    for (const ms of state.waits) {
      expect(time + ms).toBeLessThanOrEqual(DEPLOYED + 3 * MINUTE);
      time += ms + 700;
    }
    expect(state.waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3 * MINUTE);
  });

  it('stops after the time left at the start even when the clock does not move', async () => {
    const state = clock(DEPLOYED + 9 * MINUTE);
    state.wait = (ms: number) => {
      state.waits.push(ms);
      return Promise.resolve();
    };
    await soak(state);
    expect(state.waits).toEqual([MINUTE, MINUTE]);
  });

  it('stops at once when the clock jumps past the deadline', async () => {
    const state = clock(DEPLOYED);
    state.wait = (ms: number) => {
      state.waits.push(ms);
      state.time += 30 * MINUTE;
      return Promise.resolve();
    };
    await soak(state);
    expect(state.waits).toEqual([MINUTE]);
    expect(state.logs).toHaveLength(1);
  });

  it('rejects when the run is cancelled', async () => {
    const state = clock(DEPLOYED);
    const controller = new AbortController();
    controller.abort();
    await expect(soak(state, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('waits on the global timer by default, with the global clock', async () => {
    jest.useFakeTimers({ now: DEPLOYED + 10 * MINUTE + 30_000 });
    try {
      const logs: string[] = [];
      const done = waitForSoak({
        deployedAt: DEPLOYED,
        soakMs: 10 * MINUTE,
        log: (message) => logs.push(message),
      });
      let finished = false;
      void done.then(() => (finished = true));
      await jest.advanceTimersByTimeAsync(29_999);
      expect(finished).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await expect(done).resolves.toBe(30_000);
      expect(logs).toEqual([
        'soaking: 30s left (the after window ends 2026-03-01T14:10:00.000Z, then 1m for late events)',
      ]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('stops the default timer when the run is cancelled', async () => {
    jest.useFakeTimers({ now: DEPLOYED });
    try {
      const controller = new AbortController();
      const done = waitForSoak({
        deployedAt: DEPLOYED,
        soakMs: 10 * MINUTE,
        log: () => {},
        signal: controller.signal,
      });
      await jest.advanceTimersByTimeAsync(5_000);
      controller.abort();
      await expect(done).rejects.toMatchObject({ name: 'AbortError' });
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});

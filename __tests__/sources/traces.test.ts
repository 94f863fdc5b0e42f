import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runPipeline } from '../../src/pipeline.js';
import { createCloudWatchClient, createCloudWatchSources } from '../../src/sources/cloudwatch.js';
import { DEFAULT_FILTER_PATTERN } from '../../src/config.js';
import { startFakeCloudWatch, type FakeEvent } from '../fakes/cloudwatch.js';

const MINUTE = 60_000;
const deployedAt = Date.UTC(2026, 10, 20, 14, 0, 0);

/** A Java exception stored the way CloudWatch often stores it: one event per line. */
function crash(at: number, i: number): FakeEvent[] {
  return [
    `ERROR CheckoutController - Checkout failed for cart ${1000 + i}`,
    'java.lang.NullPointerException: coupon is null',
    '\tat com.shop.checkout.CartService.applyCoupon(CartService.java:142)',
    '\tat com.shop.checkout.CheckoutController.checkout(CheckoutController.java:57)',
  ].map((message, line) => ({ timestamp: at + line, message, logStream: `task-${i % 2}` }));
}

const steady: FakeEvent[] = Array.from({ length: 70 }, (_, i) => ({
  timestamp: deployedAt - 60 * MINUTE + i * MINUTE,
  message: `ERROR PaymentClient - gateway timed out after ${3000 + i}ms`,
  logStream: 'task-0',
}));
const crashes = Array.from({ length: 30 }, (_, i) =>
  crash(deployedAt + MINUTE + i * 15_000, i),
).flat();
const events = [...steady, ...crashes].sort((a, b) => a.timestamp - b.timestamp);

const ENV = ['AWS_ENDPOINT_URL_CLOUDWATCH_LOGS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
const saved = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));
let fake: Awaited<ReturnType<typeof startFakeCloudWatch>>;
beforeAll(async () => {
  fake = await startFakeCloudWatch({ groups: { '/ecs/shop': { events } } });
  process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS = fake.url;
  process.env.AWS_ACCESS_KEY_ID = 'AKIAFAKEFAKEFAKEFAKE';
  process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret';
});
afterAll(async () => {
  await fake.close();
  for (const name of ENV) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe('stack traces stored one line per event', () => {
  it('come back whole in the example of a flagged signature, from its own stream', async () => {
    const client = createCloudWatchClient({ region: 'eu-west-1' });
    const sources = createCloudWatchSources({
      logGroups: ['/ecs/shop'],
      filterPattern: DEFAULT_FILTER_PATTERN,
      client,
    });
    const report = await runPipeline(
      {
        logGroups: ['/ecs/shop'],
        deployedAt,
        deployedAtSource: 'input',
        soakMs: 10 * MINUTE,
        baselineMs: 60 * MINUTE,
        model: 'm',
        maxPromptTokens: 20_000,
      },
      { sources, loadCommits: () => Promise.resolve({ commits: [], notes: [] }), version: 'test' },
    );
    const flagged = report.signatures.find((s) => s.status === 'new');
    expect(flagged?.template).toContain('Checkout failed for cart');
    expect(flagged?.examples[0].split('\n')).toEqual([
      'ERROR CheckoutController - Checkout failed for cart 1000',
      'java.lang.NullPointerException: coupon is null',
      '\tat com.shop.checkout.CartService.applyCoupon(CartService.java:142)',
      '\tat com.shop.checkout.CheckoutController.checkout(CheckoutController.java:57)',
    ]);
    const traceRead = fake.requests.find((r) => Array.isArray(r.body.logStreamNames));
    expect(traceRead?.body).toMatchObject({
      logStreamNames: ['task-0'],
      startTime: deployedAt + MINUTE,
    });
    expect(traceRead?.body.filterPattern).toBeUndefined();
  });
});

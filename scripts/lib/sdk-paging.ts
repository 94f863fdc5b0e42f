/**
 * The floor of bench:cloudwatch: the bare AWS SDK pages through the windows that BENCH_WINDOWS
 * gives (JSON `[{start, end}]`) of BENCH_GROUP with BENCH_FILTER_PATTERN, at the action's
 * request pacing, and prints the events and the milliseconds it took. The bench bundles it as
 * the action is bundled, so that both start as plain node on one file.
 */
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { createRateLimiter, DEFAULT_REQUESTS_PER_SECOND } from '../../src/sources/rate-limit.js';

const windows = JSON.parse(process.env.BENCH_WINDOWS ?? '[]') as Array<{
  start: number;
  end: number;
}>;
async function main(): Promise<void> {
  const client = new CloudWatchLogsClient({});
  const limiter = createRateLimiter(DEFAULT_REQUESTS_PER_SECOND);
  const started = performance.now();
  let events = 0;
  for (const window of windows) {
    let nextToken: string | undefined;
    do {
      await limiter.acquire();
      const page = await client.send(
        new FilterLogEventsCommand({
          logGroupName: process.env.BENCH_GROUP,
          startTime: window.start,
          endTime: window.end - 1,
          filterPattern: process.env.BENCH_FILTER_PATTERN,
          nextToken,
        }),
      );
      events += page.events?.length ?? 0;
      nextToken = page.nextToken;
    } while (nextToken);
  }
  console.log(JSON.stringify({ events, ms: performance.now() - started }));
}

void main();

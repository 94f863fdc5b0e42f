import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from '@jest/globals';
import { fakeClient } from '../helpers/fake-client.js';
import { generateRealisticLines } from '../../scripts/lib/generate-realistic.js';
import {
  DEMO_BASELINE_MS,
  DEMO_DEPLOYED_AT,
  DEMO_SOAK_MS,
  demoLogs,
} from '../../src/demo/incident.js';
import { readRecords } from '../../src/sources/records.js';
import { failureEvents } from '../../__fixtures__/failures.js';
import { E2E_SCENARIOS } from '../../__fixtures__/scenarios.js';
import { compare } from '../../src/compare/index.js';
import { sourceNotes } from '../../src/compare/wording.js';
import { mineSignatures, type MinedSignatures, type Windows } from '../../src/signatures/index.js';
import { createCloudWatchSources } from '../../src/sources/cloudwatch.js';
import { QueryRunner } from '../../src/sources/insights-query.js';
import type { Clock } from '../../src/sources/rate-limit.js';
import type { SourceOption } from '../../src/sources/insights.js';
import { startFakeCloudWatch, type FakeCloudWatch, type FakeEvent } from '../fakes/cloudwatch.js';

const windows: Windows = {
  baseline: { start: DEMO_DEPLOYED_AT - DEMO_BASELINE_MS, end: DEMO_DEPLOYED_AT },
  after: { start: DEMO_DEPLOYED_AT, end: DEMO_DEPLOYED_AT + DEMO_SOAK_MS },
};

/** The demo incident as CloudWatch stores it: one event per record, traces joined. */
async function demoEvents(): Promise<FakeEvent[]> {
  const { before, after } = demoLogs();
  const events: FakeEvent[] = [];
  for (const text of [before, after]) {
    for await (const record of readRecords(Readable.from([text]), { multiline: true })) {
      events.push({ timestamp: record.timestamp!, message: record.raw });
    }
  }
  return events;
}

/** Polls and pauses return at once, a tick later. */
const instant: Clock = {
  now: () => 0,
  sleep: async (_ms, signal) => {
    await new Promise((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
  },
};

let fake: FakeCloudWatch | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Evenly over [from, to). */
function spread(from: number, to: number, messages: string[]): FakeEvent[] {
  return messages.map((message, i) => ({
    timestamp: from + Math.floor(((i + 0.5) * (to - from)) / messages.length),
    message,
  }));
}

/** The labelled failures in both windows; after the deploy, more of them and a new one. */
function failuresScenario(): FakeEvent[] {
  const { baseline, after } = windows;
  return [
    ...spread(
      baseline.start,
      baseline.end,
      failureEvents(6, 3).map((f) => f.event),
    ),
    ...spread(after.start, after.end, [
      ...failureEvents(2, 4).map((f) => f.event),
      ...Array.from(
        { length: 40 },
        (_, i) =>
          `ERROR [worker-${i % 4}] c.s.Ledger - IllegalStateException: ledger ${i * 31} closed`,
      ),
    ]),
  ];
}

/** An error throughout, and late after the deploy a new one that ends with the old one's text. */
function endsLikeAnOlderError(): FakeEvent[] {
  const { baseline, after } = windows;
  const half = after.start + (after.end - after.start) / 2;
  return [
    ...spread(
      baseline.start,
      baseline.end,
      Array.from({ length: 800 }, () => 'Connection refused'),
    ),
    ...spread(
      after.start,
      after.end,
      Array.from({ length: 130 }, () => 'Connection refused'),
    ),
    ...spread(
      half,
      after.end,
      Array.from({ length: 30 }, () => 'Payment failed: Connection refused'),
    ),
  ].sort((a, b) => a.timestamp - b.timestamp);
}

/** JSON events that all carry a stack: none can be counted by a regex, all are read. */
function stacksOnly(): FakeEvent[] {
  const { baseline, after } = windows;
  const line = (i: number) =>
    `{"level":"error","msg":"job ${i % 3} failed","stack":"Error: job failed\\n    at run (job.js:${i % 3}:1)"}`;
  return [
    ...spread(
      baseline.start,
      baseline.end,
      Array.from({ length: 1200 }, (_, i) => line(i)),
    ),
    ...spread(
      after.start,
      after.end,
      Array.from({ length: 200 }, (_, i) => line(i)),
    ),
  ];
}

/** Service lines, a third of them JSON, and a new exception after the deploy. */
function jsonScenario(): FakeEvent[] {
  const { baseline, after } = windows;
  const lines = (count: number, from: number) =>
    Array.from({ length: count }, (_, k) => {
      const i = from + k;
      const id = ((i * 2654435761) % 2 ** 32).toString(16).padStart(8, '0');
      const ms = 100 + ((i * 7919) % 5000);
      switch (i % 3) {
        case 0:
          return `{"level":"error","msg":"upstream returned 503 after ${ms}ms","service":"inventory","request_id":"${id}"}`;
        case 1:
          return `2026-03-01T14:00:00Z ERROR PaymentClient - gateway timed out after ${ms}ms for order ${i} trace=${id}`;
        default:
          return `{"level":"error","message":"job ${id} failed: connection reset by peer","attempt":${i % 4}}`;
      }
    });
  return [
    ...spread(baseline.start, baseline.end, lines(1800, 0)),
    ...spread(after.start, after.end, [
      ...lines(300, 1800),
      ...Array.from(
        { length: 50 },
        (_, i) =>
          `{"level":"error","msg":"NullPointerException: coupon is null for cart ${i * 37}"}`,
      ),
    ]),
  ];
}

/** Spread over both windows, about 300 templates, then a new error after the deploy. */
function realistic(lines: number): FakeEvent[] {
  const events: FakeEvent[] = [];
  let i = 0;
  const span = windows.after.end - windows.baseline.start;
  for (const message of generateRealisticLines(lines, 11)) {
    events.push({ timestamp: windows.baseline.start + Math.floor((i++ * span) / lines), message });
  }
  for (let k = 0; k < 60; k++) {
    events.push({
      timestamp: windows.after.start + 5_000 * k + 17,
      message: `ERROR [main] c.s.Checkout - NullPointerException: cart ${k * 7919} has no owner`,
    });
  }
  return events.sort((a, b) => a.timestamp - b.timestamp);
}

/** A runner that counts the event rows it brought to the runner (not the counts). */
class CountingRunner extends QueryRunner {
  eventRows = 0;
  override async run(...args: Parameters<QueryRunner['run']>) {
    const result = await super.run(...args);
    if (!args[0].queryString.includes('stats')) this.eventRows += result.rows.length;
    return result;
  }
}

let runner: CountingRunner;

async function mine(
  url: string,
  source: SourceOption,
  counting?: { firstEvents: number; unmatchedEvents: number },
  groups = ['app'],
): Promise<MinedSignatures> {
  return mineFrom(url, source, counting, groups);
}

async function mineFrom(
  url: string,
  source: SourceOption,
  counting: { firstEvents: number; unmatchedEvents: number } | undefined,
  groups: string[],
): Promise<MinedSignatures> {
  runner = new CountingRunner({ client: fakeClient(url), clock: instant });
  const sources = createCloudWatchSources({
    logGroups: groups,
    filterPattern: '',
    client: fakeClient(url, 3),
    source,
    runner,
    insightsReads: counting && { first: counting.firstEvents, unmatched: counting.unmatchedEvents },
  });
  return mineSignatures(sources, windows);
}

/** What the comparison reads of each signature. */
function counts(mined: MinedSignatures) {
  return Object.fromEntries(
    mined.signatures.map((s) => [
      s.id,
      {
        template: s.template,
        level: s.level,
        kind: s.kind,
        before: s.before,
        after: s.after,
        buckets: s.buckets,
        firstSeenAfter: s.firstSeenAfter,
        exampleRef: s.exampleRef,
      },
    ]),
  );
}

/** The verdict, the flagged signatures and the counts of every signature. */
function outcome(mined: MinedSignatures) {
  const comparison = compare({
    mined,
    baselineMs: windows.baseline.end - windows.baseline.start,
    afterMs: windows.after.end - windows.after.start,
    windows,
  });
  return {
    verdict: comparison.verdict,
    flagged: comparison.findings
      .filter((finding) => finding.flagged)
      .map((finding) => [finding.id, finding.status]),
    counts: counts(mined),
  };
}

// Events of more than one line (traces) are always read, never counted by a regex: the labelled
// failures, mostly traces, need more of them read per round, and most of their lines come back.
describe.each([
  ['the demo incident', demoEvents, 60],
  ['the labelled failures', () => Promise.resolve(failuresScenario()), 300],
  ['JSON and text lines', () => Promise.resolve(jsonScenario()), 60],
  ['a new error that ends like an older one', () => Promise.resolve(endsLikeAnOlderError()), 60],
])('on %s, Logs Insights and paging agree', (_name, scenario, unmatchedEvents) => {
  it('on the verdict, the flagged signatures and every count', async () => {
    fake = await startFakeCloudWatch({ groups: { app: { events: await scenario() } } });
    const paged = outcome(await mine(fake.url, 'filter'));
    const mined = await mine(fake.url, 'insights', { firstEvents: 30, unmatchedEvents });
    expect(mined.truncated).toEqual([]);
    expect(outcome(mined)).toEqual(paged);
    expect(paged.flagged.length).toBeGreaterThan(0);
    expect(
      fake.queries.filter((q) => q.queryString.includes('| parse line')).length,
    ).toBeGreaterThan(1);
    if (unmatchedEvents < 100) {
      // The service counted lines: fewer came back as rows than there were events.
      expect(runner.eventRows).toBeLessThan(mined.eventsRead.baseline + mined.eventsRead.after);
    }
  });
});

// Every end-to-end scenario, with the counting forced: a few events read first and per round.
describe.each(Object.entries(E2E_SCENARIOS))(
  'on %s, Logs Insights and paging agree',
  (_, build) => {
    it('on the verdict, the flagged signatures and every count', async () => {
      const groups = build(DEMO_DEPLOYED_AT);
      fake = await startFakeCloudWatch({
        groups: Object.fromEntries(
          Object.entries(groups).map(([name, events]) => [name, { events }]),
        ),
      });
      const names = Object.keys(groups);
      const paged = outcome(await mine(fake.url, 'filter', undefined, names));
      // Traces are always read: the scenario of traces needs more of them read per round.
      const traces = Object.values(groups).some((events) =>
        events.some((event) => event.message.includes('\n')),
      );
      const unmatchedEvents = traces ? 400 : 60;
      const mined = await mine(fake.url, 'insights', { firstEvents: 30, unmatchedEvents }, names);
      expect(mined.failures).toEqual([]);
      expect(mined.truncated).toEqual([]);
      expect(outcome(mined)).toEqual(paged);
      expect(fake.queries.some((q) => q.queryString.includes('| parse line'))).toBe(true);
      if (!traces) {
        // The service counted lines: fewer came back as rows than there were events.
        expect(runner.eventRows).toBeLessThan(mined.eventsRead.baseline + mined.eventsRead.after);
      }
    });
  },
);

describe('counting on the service side (Logs Insights through the fake)', () => {
  it('gives the signatures, ids and counts per bucket of the paging path', async () => {
    fake = await startFakeCloudWatch({ groups: { app: { events: await demoEvents() } } });
    const paged = await mine(fake.url, 'filter');
    const counted = await mine(fake.url, 'insights', { firstEvents: 40, unmatchedEvents: 40 });
    expect(counted.failures).toEqual([]);
    expect(counted.truncated).toEqual([]);
    expect(counted.paths).toEqual([
      { source: 'app', path: 'insights', reason: 'source: insights' },
    ]);
    expect(counted.eventsRead).toEqual(paged.eventsRead);
    expect(counts(counted)).toEqual(counts(paged));
    // Examples come from the lines read: the first after the deploy is the same one.
    expect(counted.signatures.map((s) => s.examples[0])).toEqual(
      paged.signatures.map((s) => s.examples[0]),
    );
    // The service counted lines: count queries ran, and fewer rows came back than events.
    const queries = fake.queries.map((q) => q.queryString);
    expect(queries.filter((q) => q.includes('| parse line')).length).toBeGreaterThan(1);
    expect(counted.scanned?.queries).toBe(fake.queries.length);
    const events = counted.eventsRead.baseline + counted.eventsRead.after;
    expect(runner.eventRows).toBeLessThan(events / 2);
  });

  it('reads the rest of what no regex matched page after page, to the same counts', async () => {
    fake = await startFakeCloudWatch({ groups: { app: { events: realistic(3000) } } });
    const paged = outcome(await mine(fake.url, 'filter'));
    const counted = await mine(fake.url, 'insights', { firstEvents: 200, unmatchedEvents: 200 });
    expect(counted.truncated).toEqual([]);
    expect(outcome(counted)).toEqual(paged);
  });

  it('reads every event when none can be counted by a regex, to the same clean verdict', async () => {
    fake = await startFakeCloudWatch({ groups: { app: { events: stacksOnly() } } });
    const paged = outcome(await mine(fake.url, 'filter'));
    const counted = await mine(fake.url, 'insights', { firstEvents: 100, unmatchedEvents: 100 });
    expect(counted.truncated).toEqual([]);
    expect(outcome(counted)).toEqual(paged);
    expect(paged.verdict).toBe('clean');
  });

  it('skips the events of a millisecond a page ended in when the next page starts there', async () => {
    // Thirty events a millisecond, pages of 45: most pages end inside a millisecond.
    const events = realistic(1200).map((event, i) => ({
      ...event,
      timestamp: windows.baseline.start + 1000 * Math.floor(i / 30),
      logStream: `web/${i % 2}`,
    }));
    fake = await startFakeCloudWatch({ groups: { app: { events } } });
    const paged = outcome(await mine(fake.url, 'filter'));
    const counted = await mine(fake.url, 'insights', { firstEvents: 45, unmatchedEvents: 45 });
    expect(counted.truncated).toEqual([]);
    expect(outcome(counted)).toEqual(paged);
  });

  it('says how many events it could not read when one millisecond holds more than a page', async () => {
    const at = windows.baseline.start + 60_000;
    const events = Array.from({ length: 100 }, (_, i) => ({
      timestamp: at,
      message: `{"level":"error","msg":"boom ${i}","stack":"Error: boom\\n    at f (a.js:1:1)"}`,
    }));
    fake = await startFakeCloudWatch({ groups: { app: { events } } });
    const counted = await mine(fake.url, 'insights', { firstEvents: 20, unmatchedEvents: 20 });
    const cut = counted.truncated.find((truncation) => truncation.window === 'baseline');
    expect(cut).toMatchObject({ source: 'app', maxEvents: 20 });
    // Counts that cover the whole window, short by what was not read: never a shorter span.
    expect(cut?.lastTimestamp).toBeUndefined();
    expect(counted.eventsRead.baseline + (cut?.unread ?? 0)).toBe(100);
    const note = sourceNotes(counted).find((line) => line.includes('baseline window')) ?? '';
    expect(note).toMatch(/^app: in the baseline window, 80 events fit no template/);
  });

  it('reads every event when the first read holds them all', async () => {
    fake = await startFakeCloudWatch({ groups: { app: { events: await demoEvents() } } });
    const paged = await mine(fake.url, 'filter');
    const counted = await mine(fake.url, 'insights');
    expect(counts(counted)).toEqual(counts(paged));
    expect(fake.queries.every((q) => !q.queryString.includes('parse'))).toBe(true);
  });

  it('pages below the volume threshold with auto, and says why', async () => {
    fake = await startFakeCloudWatch({ groups: { app: { events: await demoEvents() } } });
    const mined = await mine(fake.url, 'auto');
    expect(mined.paths?.[0]).toMatchObject({ path: 'filter' });
    expect(mined.paths?.[0].reason).toMatch(
      /source: auto, \d+ error events in the baseline, fewer than 100,000/,
    );
    expect(mined.eventsRead.after).toBeGreaterThan(0);
  });

  it('stops the query reading the unmatched lines when the count fails, and names the failure', async () => {
    fake = await startFakeCloudWatch({
      groups: { app: { events: await demoEvents() } },
      insights: { pollsUntilComplete: 5, failIf: (query) => query.includes('| parse line') },
    });
    const mined = await mine(fake.url, 'insights', { firstEvents: 30, unmatchedEvents: 60 });
    expect(mined.failures).toEqual([
      expect.objectContaining({
        source: 'app',
        kind: 'read',
        message: expect.stringMatching(/counting the baseline window: the query ended Failed/),
      }),
    ]);
    const unmatched = fake.queries.find((q) => q.queryString.includes(' not like /'));
    expect(unmatched).toMatchObject({ stopped: true, status: 'Cancelled' });
  });
});

/**
 * Incidents: flagged rises that started together, the likely root first. The pipeline runs on
 * timestamped events in memory and the report's first lines are read as a person reads them.
 */
import { describe, expect, it } from '@jest/globals';
import { CASCADE_COMMITS, CASCADE_REPOSITORY, cascadeEvents } from '../../__fixtures__/cascade.js';
import type { CommitRange } from '../../src/commits/index.js';
import { groupIncidents } from '../../src/incidents/index.js';
import { runPipeline } from '../../src/pipeline.js';
import { renderMarkdown, type Report } from '../../src/report/index.js';
import type { LogEvent, LogSource } from '../../src/sources/types.js';
import { pipelineConfig } from '../helpers/memory-source.js';

const MINUTE = 60_000;
const config = pipelineConfig('/ecs/api');
const deployedAt = config.deployedAt;

/** A source over timestamped events, each window taking the events in its range. */
function timedSource(name: string, events: { timestamp: number; message: string }[]): LogSource {
  return {
    name,
    async *events(_window, range): AsyncIterable<LogEvent> {
      for (const event of events) {
        if (event.timestamp >= range.start && event.timestamp < range.end) {
          yield { ...event, logGroup: name, logStream: 'task/1' };
        }
      }
      await Promise.resolve();
    },
    loggedAnything: () => Promise.resolve(true),
  };
}

/** The fake's commits as a range file gives them. */
function rangeOf(commits: typeof CASCADE_REPOSITORY.commits): CommitRange {
  return {
    base: commits[0].sha,
    head: commits[commits.length - 1].sha,
    commits: commits.slice(1).map((commit) => ({
      sha: commit.sha,
      subject: commit.message,
      files: (commit.files ?? []).map((file) => ({ path: file.filename, patch: file.patch })),
    })),
    notes: [],
  };
}

async function run(sources: LogSource[], range: CommitRange): Promise<Report> {
  return runPipeline(
    { ...config, logGroups: sources.map((s) => s.name) },
    { sources, loadCommits: () => Promise.resolve(range), version: '0.0.0' },
  );
}

const firstLines = (report: Report) =>
  renderMarkdown(report)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, 5);

const every = (from: number, to: number, period: number, message: (i: number) => string) =>
  Array.from({ length: Math.ceil((to - from) / period) }, (_, i) => ({
    timestamp: from + i * period,
    message: message(i),
  }));

/** A steady timeout throughout, and a new NullPointerException from a minute after the deploy. */
const steadyThenNewError = () => [
  ...every(
    deployedAt - 60 * MINUTE,
    deployedAt + 10 * MINUTE,
    MINUTE,
    (i) => `ERROR PaymentClient - gateway timed out after ${3000 + i}ms`,
  ),
  ...every(
    deployedAt + MINUTE,
    deployedAt + 10 * MINUTE,
    10_000,
    (i) => `ERROR CartService - java.lang.NullPointerException: coupon is null for cart ${i}`,
  ),
];

describe('incidents', () => {
  it('the OOM cascade: the root and its commit in the headline, the chain in order', async () => {
    const report = await run(
      [timedSource('/ecs/api', cascadeEvents(deployedAt))],
      rangeOf(CASCADE_REPOSITORY.commits),
    );
    expect(report.verdict).toBe('regression');
    const [incident] = report.incidents!;
    const template = (id: string) => report.signatures.find((s) => s.id === id)!.template;
    expect(incident.signatures.map(template).map((t) => t.slice(0, 30))).toEqual([
      'FATAL ERROR: Reached heap limi',
      'ERROR ECS task <*> Essential c',
      'ERROR MongoServerSelectionErro',
      'ERROR Health check failed for ',
    ]);
    expect(template(incident.root)).toMatch(/^FATAL ERROR/);
    // The symptom is the most frequent signature and has a suspect of its own.
    expect(report.signatures[0].template).toContain('ECONNREFUSED');
    expect(report.suspects.map((s) => s.sha)).toContain(CASCADE_COMMITS.mongo);

    const [title, error, cause, chain] = firstLines(report);
    expect(title).toMatch(/^### 🔴 Regression: new error after the deploy, 8× in 10m/);
    expect(error).toMatch(/^\*\*Error:\*\* `FATAL ERROR: Reached heap limit/);
    expect(cause).toMatch(/^\*\*Likely cause:\*\* `f67958d` Preview uploaded PDFs/);
    expect(chain).toMatch(
      /^\*\*Chain:\*\* `FATAL ERROR.*` → `ECS task.*` → `Mongo.*` → `Health.*`$/,
    );
  });

  it('two unrelated regressions in one deploy are two incidents, each with its own cause', async () => {
    const api = timedSource('/ecs/api', steadyThenNewError());
    const worker = timedSource('/ecs/worker', [
      ...every(
        deployedAt + MINUTE + 30_000,
        deployedAt + 10 * MINUTE,
        15_000,
        (i) => `ERROR InvoiceJob - KeyError: 'vat_rate' for invoice ${i}`,
      ),
    ]);
    const range: CommitRange = {
      commits: [
        {
          sha: 'a'.repeat(40),
          subject: 'Stacked coupons',
          files: [
            {
              path: 'src/main/java/com/shop/CartService.java',
              patch: '@@ -1 +1,2 @@\n+    Coupon coupon = coupons.find(code);',
            },
          ],
        },
        {
          sha: 'b'.repeat(40),
          subject: 'Invoices: VAT per country',
          files: [
            {
              path: 'worker/invoice_job.py',
              patch: "@@ -1 +1,3 @@\n+    for invoice in batch:\n+        rate = rates['vat_rate']",
            },
          ],
        },
      ],
      notes: [],
    };
    const report = await run([api, worker], range);
    expect(report.incidents).toHaveLength(2);
    const roots = report.incidents!.map(
      (incident) => report.signatures.find((s) => s.id === incident.root)!.template,
    );
    expect(roots.some((t) => t.includes('NullPointerException'))).toBe(true);
    expect(roots.some((t) => t.includes('KeyError'))).toBe(true);
    for (const incident of report.incidents!) {
      expect(incident.signatures).toHaveLength(1);
      expect(incident.why).toMatch(/changed by (a{7}|b{7})/);
    }
    expect(renderMarkdown(report)).not.toContain('**Chain:**');
  });

  it('a single new error keeps the headline it had', async () => {
    const report = await run([timedSource('/ecs/api', steadyThenNewError())], {
      commits: [],
      notes: [],
    });
    expect(report.incidents).toEqual([
      expect.objectContaining({
        signatures: [report.signatures[0].id],
        root: report.signatures[0].id,
      }),
    ]);
    const lines = firstLines(report);
    expect(lines[0]).toMatch(
      /^### 🔴 Regression: new error after the deploy, 54× in 10m \(none in the 1h before\)$/,
    );
    expect(lines[1]).toMatch(
      /^\*\*Error:\*\* `ERROR CartService - java\.lang\.NullPointerException/,
    );
    expect(lines.join('\n')).not.toContain('**Chain:**');
  });

  it('a cascade where no commit has evidence says so honestly', async () => {
    const unrelated: CommitRange = {
      commits: [
        {
          sha: 'd'.repeat(40),
          subject: 'Docs: README',
          files: [{ path: 'README.md', patch: '@@ -1 +1 @@\n+Setup steps' }],
        },
      ],
      notes: [],
    };
    const report = await run([timedSource('/ecs/api', cascadeEvents(deployedAt))], unrelated);
    expect(report.suspects).toEqual([]);
    const [, error, cause] = firstLines(report);
    expect(error).toMatch(/FATAL ERROR: Reached heap limit/);
    expect(cause).toBe(
      '**Likely cause:** no commit of the deploy shows evidence; check configuration and dependencies.',
    );
    expect(report.incidents![0].why).toBe('first to appear, 7s before the others; out of memory');
  });
});

describe('grouping, conservatively', () => {
  const finding = (id: string, onset: number, group: string, template: string, kind = 'error') =>
    ({
      id,
      template,
      kind,
      level: 'error',
      logGroups: [group],
      status: 'new',
      flagged: true,
      before: 0,
      after: 20,
      firstSeenAfter: onset,
    }) as unknown as Parameters<typeof groupIncidents>[0][number];

  it('joins a consequence in another log group within a minute, nothing else across groups', () => {
    const incidents = groupIncidents(
      [
        finding('oom', 0, '/ecs/api', 'FATAL ERROR: heap out of memory', 'oom'),
        finding('refused', 20_000, '/ecs/web', 'ERROR upstream connect ECONNREFUSED <IP>'),
        finding('other', 30_000, '/ecs/billing', 'ERROR KeyError: <STR>', 'exception'),
        finding('late', 5 * MINUTE, '/ecs/api', 'ERROR cache miss storm'),
      ],
      new Map(),
    );
    expect(incidents.map((incident) => incident.signatures)).toEqual([
      ['oom', 'refused'],
      ['other'],
      ['late'],
    ]);
  });

  it('places a rise without a time in an incident of its own', () => {
    const untimed = { ...finding('untimed', 0, '/ecs/api', 'ERROR x'), firstSeenAfter: undefined };
    const incidents = groupIncidents([finding('a', 0, '/ecs/api', 'ERROR a'), untimed], new Map());
    expect(incidents.map((incident) => incident.signatures)).toEqual([['a'], ['untimed']]);
  });
});

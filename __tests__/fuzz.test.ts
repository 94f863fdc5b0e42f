/**
 * Fuzzing of the whole pipeline with fast-check: random and adversarial log lines, commit
 * subjects and model answers (fixed-vocabulary words as values, fences, mentions, URLs, block
 * marks, control characters, huge lines, invalid UTF-8 in files) through the code paths of the
 * action and the CLI. Seeded, so a failure replays.
 *
 * Invariants: the verdict is in the vocabulary and equals the verdict the comparison computes
 * from the counts; the exit follows `fail-on`; every fence closes; nothing from outside becomes
 * a link or a mention; no corpus secret appears in any output; no exception escapes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClaudeClient } from '../src/ai/index.js';
import type { CommitRange } from '../src/commits/index.js';
import { compare } from '../src/compare/index.js';
import { VERDICTS, type Verdict } from '../src/compare/verdict.js';
import { runPipeline, windowsFor } from '../src/pipeline.js';
import { outcomeOf, renderMarkdown, type Report } from '../src/report/index.js';
import { mineSignatures } from '../src/signatures/index.js';
import { LEVELS } from '../src/signatures/classify.js';
import { POSITIVES } from '../__fixtures__/secrets.js';
import { messageReply, startFakeAnthropic, type FakeAnthropic } from './fakes/anthropic.js';
import { linkTargets, renderGfm } from './helpers/gfm.js';
import { runCli } from './helpers/cli.js';
import { memorySource, pipelineConfig, repeat } from './helpers/memory-source.js';

/** Seeded for CI; FUZZ_SEED and FUZZ_RUNS explore further on a workstation. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1);
const REPOSITORY = 'https://github.com/acme/shop';
const RUN = `${REPOSITORY}/actions/runs/42`;
const OUR_LINKS = [`${REPOSITORY}/commit/`, RUN, 'https://eu-west-1.console.aws.amazon.com/'];
const STATUSES = ['new', 'increased', 'unchanged', 'decreased', 'resolved'];
const HEADLINE: Record<Verdict, string> = {
  regression: '### 🔴 Regression',
  warning: '### 🟠 Warning',
  inconclusive: '### ⚪ Inconclusive',
  clean: '### 🟢 Clean',
};

const config = pipelineConfig('/ecs/checkout');

/** Words a field of fixed vocabulary holds, and text that tries to break what we print. */
const HOSTILE_WORDS = [
  ...VERDICTS,
  ...STATUSES,
  ...LEVELS,
  'claude',
  'statistics',
  'undefined',
  '```',
  '````',
  '~~~',
  '`',
  '@octocat',
  '@acme/oncall',
  '#123',
  'https://evil.example/steal?token=x',
  'www.evil.example',
  '[click](https://evil.example)',
  '![img](https://evil.example/p.png)',
  '<https://evil.example>',
  '<img src=x onerror=alert(1)>',
  '<!--',
  '-->',
  '<details>',
  '|',
  '||',
  '>',
  '#',
  '-',
  '1.',
  '===',
  '$x$',
  '\\',
  '\u0000',
  '\u001b[31m',
  '\r',
  '\u2028',
  '\ud800',
  '\ufffd',
  '::error::',
  '%0A::warning::',
];
const KEYS = ['token=', 'password=', 'secret: ', 'credentials: ', 'api_key=', 'Bearer '];
const SECRETS = POSITIVES.map(([, , secret]) => secret);

const hostileWord = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_WORDS) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...KEYS), fc.constantFrom(...HOSTILE_WORDS))
      .map(([key, word]) => `${key}${word}`),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.nat({ max: 99_999 }).map(String) },
);
const hostileText = fc.array(hostileWord, { minLength: 1, maxLength: 10 }).map((w) => w.join(' '));
/** A log line: an error with hostile words, a corpus secret line, or a huge line. */
const logLine = fc.oneof(
  { weight: 8, arbitrary: hostileText.map((text) => `ERROR ${text}`) },
  { weight: 2, arbitrary: fc.constantFrom(...POSITIVES.map(([, line]) => `ERROR ${line}`)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(hostileWord, fc.integer({ min: 20_000, max: 120_000 }))
      .map(([word, size]) => `ERROR ${`${word} `.repeat(Math.ceil(size / (word.length + 1)))}`),
  },
);

const scenario = fc.record({
  /** A new exception after the deploy, its lines carrying hostile values too. */
  regression: fc.boolean(),
  regressionText: hostileText,
  baselineNoise: fc.array(logLine, { maxLength: 8 }),
  afterNoise: fc.array(logLine, { maxLength: 8 }),
  subject: hostileText,
  patchLine: logLine,
  model: fc.option(
    fc.record({
      summary: hostileText,
      root_cause: hostileText,
      next_steps: fc.array(hostileText, { maxLength: 3 }),
    }),
  ),
  failOn: fc.subarray([...VERDICTS]),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

let fake: FakeAnthropic;
let modelAnswer: Record<string, unknown> = {};
let dir: string;
const savedBaseUrl = process.env.ANTHROPIC_BASE_URL;

beforeAll(async () => {
  fake = await startFakeAnthropic(() => messageReply(modelAnswer));
  process.env.ANTHROPIC_BASE_URL = fake.url;
  dir = await mkdtemp(join(tmpdir(), 'aftershock-fuzz-'));
});
afterAll(async () => {
  await fake.close();
  if (savedBaseUrl === undefined) delete process.env.ANTHROPIC_BASE_URL;
  else process.env.ANTHROPIC_BASE_URL = savedBaseUrl;
  await rm(dir, { recursive: true, force: true });
});

function sourceFor(s: Scenario) {
  return memorySource('/ecs/checkout', {
    baseline: [
      ...repeat(60, (i) => `ERROR gateway timed out after ${3000 + i}ms`),
      ...s.baselineNoise,
    ],
    after: [
      ...repeat(10, (i) => `ERROR gateway timed out after ${3000 + i}ms`),
      ...(s.regression
        ? repeat(
            30,
            (i) => `ERROR CartService - NullPointerException for cart ${i}: ${s.regressionText}`,
          )
        : []),
      ...s.afterNoise,
    ],
  });
}

function rangeFor(s: Scenario): CommitRange {
  return {
    base: '5e1f0c2a9b7d4e6f8a0b1c2d3e4f5a6b7c8d9e0f',
    head: '3f9e8d7c6b5a49382716a5b4c3d2e1f0a9b8c7d6',
    notes: [],
    commits: [
      {
        sha: '3f9e8d7c6b5a49382716a5b4c3d2e1f0a9b8c7d6',
        subject: s.subject,
        author: `Dana ${s.subject.slice(0, 20)}`,
        files: [{ path: 'src/CartService.java', patch: `@@ -1 +1,2 @@\n+${s.patchLine}` }],
      },
    ],
  };
}

/** Every way the report leaves the run: report.json, comment, summary output, step log. */
function exits(report: Report): Record<string, string> {
  return {
    'report.json': JSON.stringify(report),
    comment: renderMarkdown(report),
    'summary output': report.summary,
    prompt: JSON.stringify(fake.requests.map((request) => request.body)),
  };
}

/** Code blocks and spans removed: what a reader sees as formatted text. */
function proseOf(html: string): string {
  return html.replace(/<pre>[\s\S]*?<\/pre>/g, '').replace(/<code>[\s\S]*?<\/code>/g, '');
}

describe('fuzzing the pipeline', () => {
  it(
    'keeps the verdict, the exit, the fences, the links and the secrets whatever the logs say',
    async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          fake.requests.length = 0;
          modelAnswer = {
            summary: s.model?.summary ?? '',
            root_cause: s.model?.root_cause ?? '',
            cited_signature_ids: ['0000000000'],
            cited_commit_shas: ['abcdef1234567890abcdef1234567890abcdef12'],
            next_steps: s.model?.next_steps ?? [],
            confidence: 'high',
            severity: 'clean',
          };
          const report = await runPipeline(config, {
            sources: [sourceFor(s)],
            loadCommits: () => Promise.resolve(rangeFor(s)),
            claude: s.model
              ? await createClaudeClient('sk-ant-fuzz-key-0000000000000000')
              : undefined,
            version: '0.0.0-fuzz',
            secrets: ['sk-ant-fuzz-key-0000000000000000'],
            context: { region: 'eu-west-1', repositoryUrl: REPOSITORY, runUrl: RUN },
          });

          // The verdict is the comparison's, computed from the counts of the same events.
          const windows = windowsFor(config);
          const mined = await mineSignatures([sourceFor(s)], windows);
          const reference = compare({
            mined,
            baselineMs: config.baselineMs,
            afterMs: config.soakMs,
            windows,
          });
          expect(VERDICTS).toContain(report.verdict);
          expect(report.verdict).toBe(reference.verdict);
          if (s.regression) expect(report.verdict).toBe('regression');
          expect(report.summary.startsWith(`${report.verdict}: `)).toBe(true);
          for (const signature of report.signatures) expect(STATUSES).toContain(signature.status);

          const outcome = outcomeOf(report, s.failOn);
          expect(outcome.kind).toBe(s.failOn.includes(report.verdict) ? 'fail-on' : 'pass');

          const markdown = renderMarkdown(report);
          expect(markdown.startsWith(HEADLINE[report.verdict])).toBe(true);
          const html = renderGfm(markdown);
          // Every fence closed: the footer after the last one is still rendered as HTML.
          expect(html).toMatch(/<sub>Aftershock 0\.0\.0-fuzz · /);
          expect(html.startsWith('<h3>')).toBe(true);
          for (const target of linkTargets(html)) {
            expect({ target, ours: OUR_LINKS.some((prefix) => target.startsWith(prefix)) }).toEqual(
              {
                target,
                ours: true,
              },
            );
          }
          const prose = proseOf(html);
          expect(prose).not.toMatch(/@(?:octocat|acme)/);
          expect(prose).not.toMatch(/#123/);
          expect(prose).not.toMatch(/<img|<details>\s*<details>/);

          for (const [where, text] of Object.entries(exits(report))) {
            for (const secret of SECRETS) {
              expect({ where, leaked: text.includes(secret) ? secret : undefined }).toEqual({
                where,
                leaked: undefined,
              });
            }
          }
        }),
        { seed: SEED, numRuns: 60 * RUNS },
      );
    },
    30_000 * RUNS,
  );
});

describe('fuzzing the CLI on files', () => {
  const bytes = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 600 }).map((b) => Buffer.from(b)),
    fc
      .array(logLine, { minLength: 1, maxLength: 20 })
      .map((lines) => Buffer.from(`${lines.join('\n')}\n`)),
    fc
      .tuple(fc.array(logLine, { maxLength: 10 }), fc.uint8Array({ maxLength: 100 }))
      .map(([lines, junk]) => Buffer.concat([Buffer.from(lines.join('\n')), Buffer.from(junk)])),
  );

  it(
    'always answers with a report or one clear line, and an exit code of the contract',
    async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          bytes,
          bytes,
          fc.subarray([...VERDICTS]),
          async (before, after, failOn) => {
            const beforeFile = join(dir, `before-${++n}.log`);
            const afterFile = join(dir, `after-${n}.log`);
            await writeFile(beforeFile, before);
            await writeFile(afterFile, after);
            const { code, stdout, stderr } = await runCli([
              'analyze',
              '--before',
              beforeFile,
              '--after',
              afterFile,
              '--fail-on',
              failOn.join(','),
              '--json',
              '-',
            ]);
            expect([0, 1, 3]).toContain(code);
            expect(stderr).not.toMatch(/\n\s+at /);
            const report = JSON.parse(stdout) as Report;
            expect(VERDICTS).toContain(report.verdict);
            const outcome = outcomeOf(report, failOn);
            expect(code).toBe({ pass: 0, 'fail-on': 1, unreadable: 3 }[outcome.kind]);
            for (const secret of SECRETS)
              expect(stdout.includes(secret) ? secret : undefined).toBeUndefined();
          },
        ),
        { seed: SEED, numRuns: 40 * RUNS },
      );
    },
    30_000 * RUNS,
  );
});

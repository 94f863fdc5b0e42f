/**
 * The bundled CLI with a key: the Anthropic SDK, which the bundle loads only when a key makes a
 * client, answers from its own file of the bundle, against the local fake of the Messages API.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Report } from '../../src/report/index.js';
import { messageReply, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic.js';

const CLI = resolve('dist/cli/index.js');
const SUMMARY = 'The coupon lookup fails on every checkout since the deploy.';

let fake: FakeAnthropic;
let dir: string;

beforeAll(async () => {
  if (!existsSync(CLI))
    throw new Error('dist/cli/index.js is missing: run "npm run package" first');
  fake = await startFakeAnthropic(() =>
    messageReply({
      summary: SUMMARY,
      root_cause: 'A null coupon.',
      cited_signature_ids: [],
      cited_commit_shas: [],
      next_steps: [],
      confidence: 'medium',
      severity: 'high',
    }),
  );
  dir = await mkdtemp(join(tmpdir(), 'aftershock-cli-model-'));
});

afterAll(async () => {
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `analyze` on a regression with a key, by the CLI at `cli`: the report and the exit code. */
async function analyzeWithKey(cli: string): Promise<{ report: Report; code: number }> {
  const before = join(dir, 'before.log');
  const after = join(dir, 'after.log');
  await writeFile(before, 'ERROR db timeout after 30s\n'.repeat(3));
  const crash = 'ERROR CartService - java.lang.NullPointerException: coupon is null\n';
  await writeFile(after, `${'ERROR db timeout after 30s\n'}${crash.repeat(40)}`);
  const { stdout, code } = await promisify(execFile)(
    process.execPath,
    [cli, 'analyze', '--before', before, '--after', after, '--format', 'json'],
    {
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        ANTHROPIC_API_KEY: 'sk-ant-test-key-000000000000',
        ANTHROPIC_BASE_URL: fake.url,
      },
    },
  ).then(
    ({ stdout }) => ({ stdout, code: 0 }),
    (error: { stdout?: string; code?: number }) => ({
      stdout: error.stdout ?? '',
      code: error.code ?? -1,
    }),
  );
  return { report: JSON.parse(stdout) as Report, code };
}

describe('the bundled CLI with an Anthropic key', () => {
  it('loads the SDK when the key makes a client and reports the model analysis', async () => {
    fake.requests.length = 0;
    const { report, code } = await analyzeWithKey(CLI);
    expect(fake.to('messages')).toHaveLength(1);
    expect(report.analysis).toMatchObject({ source: 'claude', summary: SUMMARY });
    expect([report.verdict, code]).toEqual(['regression', 1]);
  });

  it('gives the same verdict with the statistics alone when the SDK cannot be loaded', async () => {
    // A copy of the bundled CLI without the files of the SDK, as a partly copied dist/ would be.
    const copy = join(dir, 'cli');
    await cp(dirname(CLI), copy, { recursive: true });
    let removed = 0;
    for (const file of await readdir(copy)) {
      if ((await readFile(join(copy, file), 'utf8')).includes('api.anthropic.com')) {
        await rm(join(copy, file));
        removed++;
      }
    }
    expect(removed).toBeGreaterThan(0);
    fake.requests.length = 0;
    const { report, code } = await analyzeWithKey(join(copy, 'index.js'));
    expect(fake.requests).toHaveLength(0);
    expect(report.analysis.source).toBe('statistics');
    expect(report.analysis.fallbackReason).toMatch(/^the Anthropic SDK could not be loaded \(/);
    expect([report.verdict, code]).toEqual(['regression', 1]);
  });
});

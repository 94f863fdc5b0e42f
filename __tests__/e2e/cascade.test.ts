/**
 * The bundled action on the canonical cascade (out of memory → container killed → MongoDB
 * ECONNREFUSED → health checks failing), against the CloudWatch Logs and GitHub fakes: the
 * comment's first lines name the root and its commit, not the most frequent symptom.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CASCADE_COMMITS,
  CASCADE_REPOSITORY,
  cascadeEvents,
  MINUTE,
} from '../../__fixtures__/cascade.js';
import { startFakeCloudWatch, type FakeCloudWatch } from '../fakes/cloudwatch.js';
import { startFakeGitHub, type FakeGitHub } from '../fakes/github.js';
import { ACTION, runBundledAction } from '../helpers/run-action.js';

const deployedAt = Date.now() - 30 * MINUTE;

let cloudwatch: FakeCloudWatch;
let github: FakeGitHub;
let workdir: string;

beforeAll(async () => {
  if (!existsSync(ACTION)) throw new Error('dist/index.js is missing: run "npm run package" first');
  cloudwatch = await startFakeCloudWatch({
    groups: { '/ecs/api': { events: cascadeEvents(deployedAt) } },
  });
  github = await startFakeGitHub(CASCADE_REPOSITORY);
  workdir = await mkdtemp(join(tmpdir(), 'aftershock-cascade-'));
});

afterAll(async () => {
  await cloudwatch?.close();
  await github?.close();
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

describe('the bundled action on a cascade', () => {
  it('puts the root and its commit first, and the chain in the order it happened', async () => {
    const result = await runBundledAction({
      workdir,
      endpoint: cloudwatch.url,
      deployedAt,
      inputs: { 'log-groups': '/ecs/api', 'github-token': 'ghs_faketoken0123456789abcdef' },
      event: { before: CASCADE_COMMITS.base, after: CASCADE_COMMITS.head },
      env: {
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: 'acme/api',
        GITHUB_SHA: CASCADE_COMMITS.head,
        GITHUB_WORKFLOW: 'Deploy',
      },
    });
    expect(result.code).toBe(1);
    expect(result.outputs.verdict).toBe('regression');

    const [comment] = github.comments(12);
    const lines = comment.body.split('\n').filter((line) => line.trim() !== '');
    expect(lines[1]).toMatch(/^### 🔴 Regression: new error after the deploy/);
    expect(lines[2]).toMatch(/^\*\*Error:\*\* `FATAL ERROR: Reached heap limit/);
    expect(lines[3]).toMatch(/^\*\*Likely cause:\*\* \[`f67958d`\]/);
    expect(lines[3]).toContain('Preview uploaded PDFs');
    expect(lines[4]).toMatch(
      /^\*\*Chain:\*\* `FATAL ERROR: Reached heap limit.*` → `.*exit code.*` → `.*ECONNREFUSED.*` → `.*Health check failed.*`$/,
    );

    const report = JSON.parse(await readFile(result.outputs.report, 'utf8')) as {
      incidents: { id: string; root: string; signatures: string[]; onset: string; why: string }[];
      signatures: { id: string; template: string }[];
    };
    expect(report.incidents).toHaveLength(1);
    const [incident] = report.incidents;
    const template = (id: string) => report.signatures.find((s) => s.id === id)!.template;
    expect(template(incident.root)).toMatch(/^FATAL ERROR: Reached heap limit/);
    expect(incident.signatures).toHaveLength(4);
    expect(incident.onset).toBe(new Date(deployedAt + 2 * MINUTE).toISOString());
    expect(incident.why).toBe(
      'first to appear, 7s before the others; out of memory; changed by f67958d',
    );
  });
});

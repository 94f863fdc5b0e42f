/**
 * What a new user installs and points a workflow at: the npm package, packed and installed into
 * an empty project as `npm install` would, runs `aftershock demo` with nothing else on the
 * machine; action.yml and every workflow validate against GitHub's schemas.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startFakeCloudWatch, type FakeCloudWatch } from '../fakes/cloudwatch.js';
import { runBundledAction } from '../helpers/run-action.js';

const MINUTE = 60_000;

const run = promisify(execFile);
const ROOT = resolve('.');
const VALIDATOR = resolve('node_modules/.bin/action-validator');

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aftershock-package-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('packs, installs into an empty project and runs the demo from there', async () => {
    if (!existsSync(join(ROOT, 'dist/cli/index.js'))) {
      throw new Error('dist/cli/index.js is missing: run "npm run package" first');
    }
    const { stdout: packed } = await run(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', dir],
      { cwd: ROOT },
    );
    const [{ filename, files }] = JSON.parse(packed) as [
      { filename: string; files: { path: string }[] },
    ];
    const paths = files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining(['dist/cli/index.js', 'dist/index.js', 'action.yml']),
    );
    expect(paths.some((path) => path.startsWith('src/') || path.startsWith('__tests__/'))).toBe(
      false,
    );

    const project = join(dir, 'project');
    await run('mkdir', ['-p', project]);
    await writeFile(join(project, 'package.json'), '{"name":"empty","version":"1.0.0"}\n');
    // The bundle holds every runtime dependency: the install needs no registry.
    await run(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, filename)],
      { cwd: project },
    );
    expect(await readdir(join(project, 'node_modules'))).toEqual([
      '.bin',
      '.package-lock.json',
      'aftershock',
    ]);

    const bin = join(project, 'node_modules/.bin/aftershock');
    const demo = await run(bin, ['demo'], { cwd: project, env: { PATH: process.env.PATH } });
    expect(demo.stdout).toMatch(/^### 🔴 Regression: new error after the deploy/);
    const version = await run(bin, ['--version'], { cwd: project });
    const { version: expected } = JSON.parse(
      await readFile(join(ROOT, 'package.json'), 'utf8'),
    ) as {
      version: string;
    };
    expect(version.stdout.trim()).toBe(expected);
  });
});

describe('the vendored action', () => {
  let cloudwatch: FakeCloudWatch;
  afterAll(async () => cloudwatch?.close());

  it('runs from a plain copy of action.yml and dist/, as `uses: ./.github/actions/aftershock`', async () => {
    const vendored = join(dir, 'repo/.github/actions/aftershock');
    await cp(join(ROOT, 'action.yml'), join(vendored, 'action.yml'));
    await cp(join(ROOT, 'dist'), join(vendored, 'dist'), { recursive: true });
    const action = (await readFile(join(vendored, 'action.yml'), 'utf8')).match(
      /^ {2}main: (\S+)$/m,
    )![1];
    const deployedAt = Date.now() - 30 * MINUTE;
    const events = Array.from({ length: 140 }, (_, i) => ({
      timestamp: deployedAt - 60 * MINUTE + i * 30_000,
      message: `ERROR PaymentClient - gateway timed out after ${3000 + i}ms`,
    }));
    cloudwatch = await startFakeCloudWatch({ groups: { '/ecs/checkout': { events } } });
    const result = await runBundledAction({
      workdir: dir,
      endpoint: cloudwatch.url,
      deployedAt,
      inputs: { 'log-groups': '/ecs/checkout', comment: 'off' },
      action: join(vendored, action),
    });
    expect(result.errors).toEqual([]);
    expect(result.outputs.verdict).toBe('clean');
    expect(result.code).toBe(0);
  });
});

describe('action.yml and the workflows, against the schemas of @action-validator/cli', () => {
  const workflows = ['.github/workflows', 'examples'].flatMap((folder) =>
    readdirSync(join(ROOT, folder))
      .filter((file) => file.endsWith('.yml'))
      .map((file) => `${folder}/${file}`),
  );

  it('finds every workflow', () => {
    expect(workflows).toEqual(
      expect.arrayContaining(['.github/workflows/ci.yml', 'examples/on-alert.yml']),
    );
  });

  it.each(workflows)('%s is a valid workflow', async (path) => {
    await expect(run(VALIDATOR, [path], { cwd: ROOT })).resolves.toBeDefined();
  });

  it('action.yml is valid, but for runs.using: node24, which the validator’s schema does not know yet', async () => {
    const action = await readFile(join(ROOT, 'action.yml'), 'utf8');
    expect(action).toMatch(/^ {2}using: node24$/m);
    const asNode20 = join(dir, 'action.yml');
    await writeFile(asNode20, action.replace(/^ {2}using: node24$/m, '  using: node20'));
    await expect(run(VALIDATOR, [asNode20])).resolves.toBeDefined();
    // The real file fails on that one field only.
    const failure = await run(VALIDATOR, [join(ROOT, 'action.yml')]).then(
      () => undefined,
      (error: { stderr: string }) => JSON.parse(error.stderr) as { errors: { path: string }[] },
    );
    expect(failure?.errors.map((error) => error.path)).toEqual(['/runs']);
    expect(JSON.stringify(failure)).toContain('/runs/using');
  });
});

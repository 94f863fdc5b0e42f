/** README, examples and action.yml must say the same thing. */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';

interface ActionYaml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYaml;
const readme = readFileSync('README.md', 'utf8');

/** Rows of the first Markdown table after a heading, as arrays of cell texts. */
function tableAfter(heading: string): string[][] {
  const start = readme.indexOf(`\n${heading}\n`);
  expect(start).toBeGreaterThan(-1);
  const lines = readme.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const names = (cell: string) => [...cell.matchAll(/`([\w-]+)`/g)].map((m) => m[1]);

describe('action.yml', () => {
  it('runs the bundled entry on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });
});

describe('README', () => {
  it('starts with the two commands', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toMatch(/^npm ci && npm run demo\b/m);
    expect(firstBlock).toMatch(/^npm ci && npm test\b/m);
    expect(readme.indexOf('```sh')).toBeLessThan(readme.indexOf('\n## '));
  });

  it('lists exactly the inputs of action.yml', () => {
    const documented = tableAfter('### Inputs').flatMap((row) => names(row[0]));
    expect([...documented].sort()).toEqual(Object.keys(action.inputs).sort());
  });

  it('lists exactly the outputs of action.yml', () => {
    const documented = tableAfter('### Outputs').flatMap((row) => names(row[0]));
    expect([...documented].sort()).toEqual(Object.keys(action.outputs).sort());
  });

  it('gives the same defaults as action.yml', () => {
    for (const row of tableAfter('### Inputs')) {
      for (const name of names(row[0])) {
        const fallback = action.inputs[name].default ?? '';
        if (fallback === '' || fallback.startsWith('${{')) continue;
        expect([name, row[1]]).toEqual([name, expect.stringContaining(fallback)]);
      }
    }
  });
});

describe('examples/', () => {
  const files = readdirSync('examples').filter((file) => file.endsWith('.yml'));

  it('holds the recipes', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it.each(files)(
    '%s uses only inputs that action.yml has, and the permissions it needs',
    (file) => {
      const workflow = parse(readFileSync(`examples/${file}`, 'utf8')) as {
        jobs: Record<
          string,
          {
            permissions?: Record<string, string>;
            steps: Array<{ uses?: string; with?: Record<string, unknown> }>;
          }
        >;
      };
      const steps = Object.values(workflow.jobs).flatMap((job) =>
        job.steps
          .filter((step) => step.uses?.includes('/aftershock@'))
          .map((step) => ({ job, step })),
      );
      expect(steps.length).toBeGreaterThan(0);
      for (const { job, step } of steps) {
        for (const key of Object.keys(step.with ?? {}))
          expect(Object.keys(action.inputs)).toContain(key);
        expect(step.with?.['log-groups']).toBeTruthy();
        expect(job.permissions).toMatchObject({ 'id-token': 'write', contents: 'read' });
        // Commenting needs to write to pull requests; a run with `comment: off` does not.
        if (step.with?.comment !== 'off') {
          expect(job.permissions).toMatchObject({ 'pull-requests': 'write' });
        }
      }
    },
  );
});

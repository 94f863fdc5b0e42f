/**
 * Starts the bundled action the way a GitHub runner does: `node dist/index.js` with INPUT_*
 * variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_EVENT_PATH, and CloudWatch Logs at
 * `endpoint` (a local fake).
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const ACTION = resolve('dist/index.js');

export interface ActionRun {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  warnings: string[];
  errors: string[];
}

let runs = 0;

export async function runBundledAction(options: {
  /** A folder of the test's own; each run gets a subfolder. */
  workdir: string;
  endpoint: string;
  deployedAt: number;
  inputs: Record<string, string>;
  /** More of the runner's variables (GITHUB_API_URL, GITHUB_REPOSITORY…), over the defaults. */
  env?: NodeJS.ProcessEnv;
  /** The event payload; default a push of the head commit. */
  event?: unknown;
  /** The action's entry point; default this repository's dist/index.js. */
  action?: string;
}): Promise<ActionRun> {
  const dir = join(options.workdir, `run-${++runs}`);
  await mkdir(dir, { recursive: true });
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  const eventFile = join(dir, 'event.json');
  await Promise.all([
    writeFile(outputFile, ''),
    writeFile(summaryFile, ''),
    writeFile(eventFile, JSON.stringify(options.event ?? { after: 'abc1234' })),
  ]);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: options.workdir,
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_SHA: 'abc1234abc1234abc1234abc1234abc1234abcd',
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
    AWS_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: options.endpoint,
    NODE_NO_WARNINGS: '1',
    'INPUT_FAIL-ON': 'regression',
    INPUT_SOAK: '10m',
    INPUT_BASELINE: '1h',
    'INPUT_DEPLOYED-AT': new Date(options.deployedAt).toISOString(),
    ...options.env,
    ...Object.fromEntries(
      Object.entries(options.inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
    ),
  };
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((done) => {
    execFile(
      process.execPath,
      [options.action ?? ACTION],
      { env, timeout: 60_000 },
      (error, out) => {
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout: out });
      },
    );
  });
  const lines = stdout.split('\n');
  return {
    code,
    stdout,
    outputs: parseOutputs(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
    warnings: lines.filter((line) => line.startsWith('::warning::')),
    errors: lines.filter((line) => line.startsWith('::error::')),
  };
}

/** GITHUB_OUTPUT holds `name<<DELIMITER\nvalue\nDELIMITER` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const match of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) {
    outputs[match[1]] = match[3];
  }
  return outputs;
}

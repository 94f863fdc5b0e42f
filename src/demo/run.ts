import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INPUT, parseConfig, type Config, type RawInputs } from '../config.js';
import { runPipeline, type PipelineDeps } from '../pipeline.js';
import type { Report } from '../report/index.js';
import { FileSource } from '../sources/file.js';
import {
  DEMO_BASELINE_MS,
  DEMO_COMMITS,
  DEMO_DEPLOYED_AT,
  DEMO_LOG_GROUP,
  DEMO_SOAK_MS,
  demoLogs,
} from './incident.js';

/**
 * Runs the whole pipeline on the demo incident, read from files as `--before/--after` would
 * be, with the demo's commits. `inputs` and `deps` add to the demo's own (a model, a client).
 */
export async function runDemo(options: {
  inputs?: RawInputs;
  deps?: Partial<Pick<PipelineDeps, 'claude' | 'secrets'>>;
  version: string;
  now: number;
}): Promise<{ report: Report; config: Config }> {
  const folder = await mkdtemp(join(tmpdir(), 'aftershock-demo-'));
  try {
    const logs = demoLogs();
    const before = join(folder, 'before.log');
    const after = join(folder, 'after.log');
    await writeFile(before, logs.before);
    await writeFile(after, logs.after);
    const config = parseConfig(
      {
        [INPUT.logGroups]: DEMO_LOG_GROUP,
        [INPUT.deployedAt]: new Date(DEMO_DEPLOYED_AT).toISOString(),
        [INPUT.soak]: `${DEMO_SOAK_MS / 60_000}m`,
        [INPUT.baseline]: `${DEMO_BASELINE_MS / 60_000}m`,
        ...options.inputs,
      },
      { now: options.now },
    );
    const report = await runPipeline(config, {
      sources: [
        new FileSource({
          name: DEMO_LOG_GROUP,
          before,
          after,
          filterPattern: config.filterPattern,
        }),
      ],
      loadCommits: () => Promise.resolve(DEMO_COMMITS),
      version: options.version,
      ...options.deps,
    });
    return { report, config };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

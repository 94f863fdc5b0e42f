import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { createClaudeClient } from './ai/index.js';
import { fetchCommitRange, readEvent, type CommitRange } from './commits/index.js';
import { ConfigError, INPUT, parseConfig, type Config, type RawInputs } from './config.js';
import { runPipeline } from './pipeline.js';
import { redact } from './redact.js';
import { oneLine, renderMarkdown, type Report } from './report/index.js';
import { createCloudWatchSources } from './sources/cloudwatch.js';
import { waitForSoak } from './sources/soak.js';
import { VERSION } from './version.js';

/** Reads inputs the way the runner passes them; undefined when the runner did not set one. */
export function readInputs(env: NodeJS.ProcessEnv): RawInputs {
  const raw: RawInputs = {};
  for (const name of Object.values(INPUT)) {
    const value = env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
    if (value !== undefined) raw[name] = value;
  }
  return raw;
}

/** The action: every failure becomes one clear line, and a report whenever logs could be read. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const now = Date.now();
    const event = readEvent(env);
    const config = parseConfig(readInputs(env), {
      now,
      eventTime: event.time,
      envRegion: env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    });
    const secrets = [config.anthropicApiKey, config.githubToken].filter((s): s is string => !!s);
    secrets.forEach((secret) => core.setSecret(secret));

    core.info(
      `Deployed at ${new Date(config.deployedAt).toISOString()} (from ${config.deployedAtSource}); log groups: ${config.logGroups.join(', ')}`,
    );
    await waitForSoak({ deployedAt: config.deployedAt, soakMs: config.soakMs, log: core.info });

    const report = await runPipeline(config, {
      sources: createCloudWatchSources({
        logGroups: config.logGroups,
        filterPattern: config.filterPattern,
        region: config.awsRegion,
      }),
      loadCommits: () => loadCommits(config, event),
      claude: config.anthropicApiKey ? createClaudeClient(config.anthropicApiKey) : undefined,
      version: VERSION,
      secrets,
    });
    await publish(report, config, env, secrets);
  } catch (error) {
    if (error instanceof ConfigError) {
      core.setFailed(error.message);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    core.setFailed(`Aftershock failed: ${oneLine(redact(message), 1000)}`);
  }
}

async function loadCommits(
  config: Config,
  event: ReturnType<typeof readEvent>,
): Promise<CommitRange> {
  const head = config.headSha ?? event.head;
  const base = config.baseSha ?? event.base;
  if (!config.githubToken || !event.repository) {
    return {
      head,
      base,
      commits: [],
      notes: ['No github-token or repository: the commits of the deploy were not read.'],
    };
  }
  return fetchCommitRange(getOctokit(config.githubToken), event.repository, { base, head });
}

async function publish(
  report: Report,
  config: Config,
  env: NodeJS.ProcessEnv,
  secrets: string[],
): Promise<void> {
  const reportPath = join(env.RUNNER_TEMP ?? tmpdir(), 'aftershock-report.json');
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);

  for (const failure of report.sources.failed) core.warning(oneLine(failure.message, 1000));
  if (report.analysis.fallbackReason)
    core.warning(oneLine(`Claude analysis unavailable: ${report.analysis.fallbackReason}`));

  const markdown = redact(renderMarkdown(report), secrets);
  if (env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(markdown, true).write();
    } catch (error) {
      core.warning(
        `Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  core.setOutput('verdict', report.verdict);
  core.setOutput('summary', report.summary);
  core.setOutput('report', reportPath);
  core.setOutput('comment-url', '');
  core.setOutput('pr-number', '');
  core.info(report.summary);

  if (report.sources.read.length === 0) {
    core.setFailed(`Could not read logs: ${report.summary}`);
  } else if (config.failOn.includes(report.verdict)) {
    core.setFailed(`Verdict ${report.verdict} is listed in fail-on: ${report.summary}`);
  }
}

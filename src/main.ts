import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { createClaudeClient } from './ai/index.js';
import {
  createGitHubClient,
  readEvent,
  resolvePullRequests,
  resolveRange,
  type CommitRange,
  type EventInfo,
  type Octokit,
  type RepoRef,
} from './commits/index.js';
import { ConfigError, INPUT, parseConfig, type Config, type RawInputs } from './config.js';
import { runPipeline } from './pipeline.js';
import { redact } from './redact.js';
import {
  commentBudget,
  commentMarker,
  publishComments,
  type PublishedComment,
} from './report/comment.js';
import {
  outcomeOf,
  postToSlack,
  renderMarkdown,
  slackMessage,
  type Report,
  type ReportContext,
  type SlackResult,
} from './report/index.js';
import { createCloudWatchSources } from './sources/cloudwatch.js';
import { timerClock, waitForSoak } from './sources/soak.js';
import { proxyFetch } from './proxy.js';
import { VERSION } from './version.js';
import { errorMessage, oneLine } from './text.js';

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
    const inputs = readInputs(env);
    // Masked before anything is logged, even a configuration error.
    for (const credential of [
      inputs[INPUT.anthropicApiKey],
      inputs[INPUT.githubToken],
      inputs[INPUT.slackWebhookUrl],
    ]) {
      if (credential?.trim()) core.setSecret(credential.trim());
    }
    const event = readEvent(env);
    const config = parseConfig(inputs, {
      now,
      eventTime: event.time,
      envRegion: env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    });
    const secrets = [config.anthropicApiKey, config.githubToken, config.slackWebhookUrl].filter(
      (s): s is string => !!s,
    );

    core.info(
      `Deployed at ${new Date(config.deployedAt).toISOString()} (from ${config.deployedAtSource}); log groups: ${config.logGroups.join(', ')}`,
    );
    // With an early verdict the looks wait, between reads; without, one wait and one read.
    if (!config.earlyVerdict) {
      await waitForSoak({ deployedAt: config.deployedAt, soakMs: config.soakMs, log: core.info });
    }

    const github = gitHubFor(config, event, env);
    let range: CommitRange | undefined;
    const report = await runPipeline(config, {
      sources: createCloudWatchSources({
        logGroups: config.logGroups,
        filterPattern: config.filterPattern,
        region: config.awsRegion,
        maxEvents: config.maxEvents || undefined,
        source: config.source,
        log: (message) => core.info(message),
      }),
      loadCommits: async () => (range = await loadCommits(config, event, github)),
      claude: config.anthropicApiKey ? createClaudeClient(config.anthropicApiKey) : undefined,
      version: VERSION,
      secrets,
      context: reportContext(config, env),
      looks: config.earlyVerdict ? { clock: timerClock, log: core.info } : undefined,
    });
    const comments = await commentOnPullRequests(
      report,
      config,
      event,
      range,
      github,
      env,
      secrets,
    );
    const slack = await notifySlack(report, config, env, comments, secrets);
    await publish(report, config, env, comments, slack);
  } catch (error) {
    if (error instanceof ConfigError) {
      core.setFailed(error.message);
      return;
    }
    const message = errorMessage(error);
    const secrets = [
      env['INPUT_ANTHROPIC-API-KEY'],
      env['INPUT_GITHUB-TOKEN'],
      env['INPUT_SLACK-WEBHOOK-URL'],
    ].filter((s): s is string => !!s);
    core.setFailed(`Aftershock failed: ${oneLine(redact(message, secrets), 1000)}`);
  }
}

/** Where the run happened, for the report's links to CloudWatch, commits and the run. */
function reportContext(config: Config, env: NodeJS.ProcessEnv): ReportContext {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const repositoryUrl = env.GITHUB_REPOSITORY ? `${server}/${env.GITHUB_REPOSITORY}` : undefined;
  return {
    region: config.awsRegion,
    repositoryUrl,
    runUrl:
      repositoryUrl && env.GITHUB_RUN_ID
        ? `${repositoryUrl}/actions/runs/${env.GITHUB_RUN_ID}`
        : undefined,
  };
}

interface GitHub {
  octokit: Octokit;
  repo: RepoRef;
}

/** The GitHub client, at GITHUB_API_URL; none without a token or a repository. */
function gitHubFor(config: Config, event: EventInfo, env: NodeJS.ProcessEnv): GitHub | undefined {
  if (!config.githubToken || !event.repository) return undefined;
  const octokit = createGitHubClient(config.githubToken, {
    baseUrl: env.GITHUB_API_URL,
    log: (message) => core.info(message),
  });
  return { octokit, repo: event.repository };
}

async function loadCommits(
  config: Config,
  event: EventInfo,
  github: GitHub | undefined,
): Promise<CommitRange> {
  if (!github) {
    return {
      head: config.headSha ?? event.head,
      base: config.baseSha ?? event.base,
      commits: [],
      notes: ['No github-token or repository: the commits of the deploy were not read.'],
    };
  }
  return resolveRange({ ...github, event, baseSha: config.baseSha, headSha: config.headSha });
}

interface Commenting {
  /** The PRs the deploy shipped (or the one asked for), the head commit's first. */
  pullRequests: number[];
  comments: PublishedComment[];
  /** The head commit's PR and its comment: the `pr-number` and `comment-url` outputs. */
  headPullRequest?: number;
  headCommentUrl?: string;
}

/** One sticky comment on each PR of the deploy; failures warn and never change the verdict. */
async function commentOnPullRequests(
  report: Report,
  config: Config,
  event: EventInfo,
  range: CommitRange | undefined,
  github: GitHub | undefined,
  env: NodeJS.ProcessEnv,
  secrets: string[],
): Promise<Commenting> {
  const none: Commenting = { pullRequests: [], comments: [] };
  if (config.comment.mode === 'off') return none;
  if (!github) {
    core.info('No github-token or repository: no PR comment.');
    return none;
  }
  const warn = (message: string) => core.warning(oneLine(redact(message, secrets), 1000));
  try {
    const pulls = await resolvePullRequests({
      ...github,
      target: config.comment,
      event,
      range: range ?? { head: config.headSha ?? event.head, commits: [] },
    });
    pulls.notes.forEach(warn);
    if (pulls.numbers.length === 0) {
      core.info('No pull request is associated with the deployed commits: no PR comment.');
      return none;
    }
    const marker = commentMarker({ workflow: env.GITHUB_WORKFLOW, logGroups: config.logGroups });
    const published = await publishComments({
      ...github,
      prNumbers: pulls.numbers,
      markdown: renderMarkdown(report, { maxChars: commentBudget(marker) }),
      marker,
      log: (message) => core.info(message),
    });
    published.warnings.forEach(warn);
    return {
      pullRequests: pulls.numbers,
      comments: published.comments,
      headPullRequest: pulls.head,
      headCommentUrl: published.comments.find((c) => c.pr === pulls.head)?.url,
    };
  } catch (error) {
    warn(`Could not comment: ${errorMessage(error)}`);
    return none;
  }
}

/** One Slack message when a webhook is given; a failure is a warning and changes nothing else. */
async function notifySlack(
  report: Report,
  config: Config,
  env: NodeJS.ProcessEnv,
  commenting: Commenting,
  secrets: string[],
): Promise<SlackResult | undefined> {
  if (!config.slackWebhookUrl) return undefined;
  const result = await postToSlack({
    url: config.slackWebhookUrl,
    message: slackMessage(report, { commentUrl: commenting.headCommentUrl }, secrets),
    fetch: proxyFetch(env),
  });
  if (result.posted) core.info('Posted the verdict to Slack.');
  else core.warning(oneLine(redact(result.error, secrets), 1000));
  return result;
}

/**
 * Outputs, summary, report.json and the exit status. The verdict is the report's, as the
 * comparison decided it; a file or summary that cannot be written is a warning, never a reason
 * to leave the outputs unset.
 */
async function publish(
  report: Report,
  config: Config,
  env: NodeJS.ProcessEnv,
  commenting: Commenting,
  slack: SlackResult | undefined,
): Promise<void> {
  const reportPath = join(env.RUNNER_TEMP ?? tmpdir(), 'aftershock-report.json');
  const json = {
    ...report,
    pullRequests: commenting.pullRequests,
    comments: commenting.comments,
    ...(slack && { slack }),
  };
  let reportWritten = true;
  try {
    await writeFile(reportPath, `${JSON.stringify(json, null, 2)}\n`);
  } catch (error) {
    reportWritten = false;
    core.warning(`Could not write report.json to ${reportPath}: ${oneLine(errorMessage(error))}`);
  }

  for (const failure of report.sources.failed) core.warning(oneLine(failure.message, 1000));
  if (report.analysis.fallbackReason)
    core.warning(oneLine(`Claude analysis unavailable: ${report.analysis.fallbackReason}`));

  if (env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(renderMarkdown(report), true).write();
    } catch (error) {
      core.warning(`Could not write the job summary: ${oneLine(errorMessage(error))}`);
    }
  }

  core.setOutput('verdict', report.verdict);
  core.setOutput('summary', report.summary);
  core.setOutput('report', reportWritten ? reportPath : '');
  core.setOutput('comment-url', commenting.headCommentUrl ?? '');
  core.setOutput('pr-number', commenting.headPullRequest?.toString() ?? '');
  core.info(report.summary);

  const outcome = outcomeOf(report, config.failOn);
  if (outcome.kind !== 'pass') core.setFailed(outcome.message);
}

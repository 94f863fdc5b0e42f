/**
 * Checks that the real APIs accept our requests, with real credentials from the environment:
 * the model id, the token count and the `output_config` JSON schema on the Anthropic API, and
 * the FilterLogEvents calls on CloudWatch Logs, and the Logs Insights queries of `source: insights`
 * (the same counts as paging on the last half hour, with few events read so the service counts).
 * Opt-in and never in CI: it spends a few cents.
 *
 *   ANTHROPIC_API_KEY=… npm run smoke:live                   Claude only
 *   AFTERSHOCK_LOG_GROUP=/ecs/app AWS_REGION=… npm run smoke:live  CloudWatch only (AWS credentials
 *                                                             from the usual chain: env, profile, SSO)
 *   AFTERSHOCK_MODEL=claude-…                                 another model (default: the action's)
 *
 * Exit status: 0 every configured check passed, 1 a check failed, 2 nothing to check (or in CI).
 */
import { createClaudeClient, formatCost } from '../src/ai/index.js';
import { DEFAULT_FILTER_PATTERN, DEFAULT_MODEL, INPUT } from '../src/config.js';
import { runDemo } from '../src/demo/run.js';
import { redact } from '../src/redact.js';
import { mineSignatures } from '../src/signatures/index.js';
import { createCloudWatchSources } from '../src/sources/cloudwatch.js';

const env = process.env;
const say = (line: string) => process.stdout.write(`${redact(line)}\n`);

/** The whole pipeline on the demo incident, with the real Claude client. */
async function checkClaude(apiKey: string, model: string): Promise<boolean> {
  const { report } = await runDemo({
    inputs: { [INPUT.model]: model },
    deps: { claude: await createClaudeClient(apiKey), secrets: [apiKey] },
    version: 'smoke',
    now: Date.now(),
  });
  const { analysis, usage } = report;
  const counted = analysis.prompt?.measuredWith === 'count_tokens';
  say(
    `${counted ? 'ok  ' : 'FAIL'} POST /v1/messages/count_tokens: ${counted ? `${analysis.prompt?.tokens} tokens` : 'did not answer (the estimate was used)'}`,
  );
  if (analysis.source !== 'claude') {
    say(`FAIL POST /v1/messages with model ${model}: ${analysis.fallbackReason ?? 'no answer'}`);
    return false;
  }
  say(
    `ok   POST /v1/messages with model ${model} and output_config json_schema: a valid answer, ${usage.input_tokens} in / ${usage.output_tokens} out tokens, ${formatCost(model, usage)}`,
  );
  say(`     summary: ${analysis.summary}`);
  say(`     cites: ${[...analysis.citedSignatures, ...analysis.citedCommits].join(', ') || '-'}`);
  return counted;
}

/** FilterLogEvents, with our filter pattern, over the last fifteen minutes of one log group. */
async function checkCloudWatch(logGroup: string, region: string | undefined): Promise<boolean> {
  const [source] = createCloudWatchSources({
    logGroups: [logGroup],
    filterPattern: DEFAULT_FILTER_PATTERN,
    region,
  });
  const end = Date.now();
  const range = { start: end - 15 * 60_000, end };
  const signal = AbortSignal.timeout(60_000);
  try {
    let events = 0;
    for await (const event of source.events('after', range, signal)) {
      void event;
      if (++events >= 1000) break;
    }
    const logged = source.loggedAnything ? await source.loggedAnything(range, signal) : undefined;
    say(
      `ok   CloudWatch Logs FilterLogEvents on ${logGroup}: ${events}${events >= 1000 ? '+' : ''} error events in the last 15 minutes; logged anything: ${logged ?? 'unknown'}`,
    );
    return true;
  } catch (error) {
    say(
      `FAIL CloudWatch Logs FilterLogEvents on ${logGroup}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return false;
  }
}

/**
 * The last half hour of one log group mined twice, paged and counted by Logs Insights with only
 * 20 events read first and 100 per round: the service's regexes and counts must give the same
 * signatures and counts.
 */
async function checkInsights(logGroup: string, region: string | undefined): Promise<boolean> {
  const end = Date.now() - 2 * 60_000;
  const windows = {
    baseline: { start: end - 30 * 60_000, end: end - 15 * 60_000 },
    after: { start: end - 15 * 60_000, end },
  };
  const read = (source: 'filter' | 'insights') =>
    mineSignatures(
      createCloudWatchSources({
        logGroups: [logGroup],
        filterPattern: DEFAULT_FILTER_PATTERN,
        region,
        source,
        insightsReads: { first: 20, unmatched: 100 },
      }),
      windows,
      { signal: AbortSignal.timeout(10 * 60_000) },
    );
  const [paged, counted] = [await read('filter'), await read('insights')];
  const failure = [...paged.failures, ...counted.failures][0];
  if (failure) {
    say(`FAIL CloudWatch Logs Insights on ${logGroup}: ${failure.message}`);
    return false;
  }
  const counts = (mined: typeof paged) =>
    JSON.stringify(mined.signatures.map(({ id, before, after }) => [id, before, after]));
  const same = counts(paged) === counts(counted) && counted.truncated.length === 0;
  const scanned = counted.scanned;
  say(
    `${same ? 'ok  ' : 'FAIL'} CloudWatch Logs Insights on ${logGroup}: ${counted.signatures.length} signatures, ${counted.eventsRead.baseline + counted.eventsRead.after} events, ${same ? 'the same counts as paging' : 'counts that differ from paging'}; ${scanned?.queries ?? 0} queries, ${((scanned?.bytesScanned ?? 0) / 1e6).toFixed(1)} MB scanned`,
  );
  return same;
}

async function main(): Promise<number> {
  if (env.CI || env.GITHUB_ACTIONS) {
    say('smoke:live uses real credentials and is not meant for CI; run it on a workstation.');
    return 2;
  }
  const apiKey = env.ANTHROPIC_API_KEY;
  const logGroup = env.AFTERSHOCK_LOG_GROUP;
  if (!apiKey && !logGroup) {
    say(
      [
        'smoke:live checks the real APIs and needs credentials from the environment; none were found.',
        '  ANTHROPIC_API_KEY      to check the model id, count_tokens and the output_config schema',
        '                         (AFTERSHOCK_MODEL picks another model than the default)',
        '  AFTERSHOCK_LOG_GROUP   to check FilterLogEvents and Logs Insights on that group, with AWS_REGION and AWS',
        '                         credentials from the usual chain (environment, profile, SSO)',
      ].join('\n'),
    );
    return 2;
  }
  let passed = true;
  if (apiKey) passed = (await checkClaude(apiKey, env.AFTERSHOCK_MODEL || DEFAULT_MODEL)) && passed;
  else say('skip Claude: set ANTHROPIC_API_KEY to check it');
  if (logGroup) {
    const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    passed = (await checkCloudWatch(logGroup, region)) && passed;
    passed = (await checkInsights(logGroup, region)) && passed;
  } else say('skip CloudWatch Logs: set AFTERSHOCK_LOG_GROUP (and AWS credentials) to check it');
  return passed ? 0 : 1;
}

process.exitCode = await main();

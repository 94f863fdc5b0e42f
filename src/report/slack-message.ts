/**
 * The report as one Slack message in Block Kit: the verdict, the root error, the likely commit,
 * the counts, and buttons to the PR comment, the run and CloudWatch. Within Slack's limits, and
 * nothing from logs, commits or the model can ping or link; log text is in code spans, where
 * it cannot format either.
 */
import type { Verdict } from '../compare/index.js';
import { redact } from '../redact.js';
import { formatTime, shortSha, truncate } from '../text.js';
import { flaggedInOrder, leadOf, lengthOf, ratioText, withoutLevel } from './lead.js';
import { insightsUrl, logGroupUrl, signatureQuery } from './links.js';
import type { Report, ReportSignature } from './types.js';

/** Slack's documented limits for messages and the blocks used here. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  buttonText: 75,
  url: 3000,
  /** The top-level `text` may be 40,000; notifications show far less. */
  fallbackText: 3000,
} as const;

type Text =
  { type: 'mrkdwn'; text: string } | { type: 'plain_text'; text: string; emoji?: boolean };

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; text?: Text; fields?: Text[] }
  | { type: 'context'; elements: Text[] }
  | { type: 'divider' }
  | {
      type: 'actions';
      elements: Array<{
        type: 'button';
        text: { type: 'plain_text'; text: string };
        url: string;
        action_id: string;
      }>;
    };

export interface SlackMessage {
  /** The notification's text, and what clients without blocks show. */
  text: string;
  blocks: SlackBlock[];
  unfurl_links: false;
  unfurl_media: false;
}

export interface SlackLinks {
  /** The sticky comment on the deploy's pull request. */
  commentUrl?: string;
}

const VERDICT_TITLE: Record<Verdict, string> = {
  regression: '🔴 Regression',
  warning: '🟠 Warning',
  inconclusive: '⚪ Inconclusive',
  clean: '🟢 Clean',
};

const MAX_ALSO_FLAGGED = 8;

/**
 * Outside text for mrkdwn: `&`, `<` and `>` escaped as Slack asks, which defuses every control
 * sequence (`<!channel>`, `<!here>`, `<@U…>`, `<#C…>`, `<!subteam^…>`, `<url|label>`); a
 * zero-width space after `@`, inside `://` and after the dots of a domain, so that neither a bare
 * mention nor an address becomes live; backticks that would close our code spans replaced.
 */
export function slackEscape(text: string): string {
  return (
    text
      .replace(/\s*[\r\n]+\s*/g, ' ')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/@/g, '@\u200b')
      .replace(/:\/\//g, ':\u200b//')
      // A bare domain (`evil.example/reset`) can be linked too: a zero-width space after each dot.
      .replace(/([A-Za-z0-9-])\.(?=[A-Za-z]{2,})/g, '$1.\u200b')
      .replace(/`/g, 'ˋ')
  );
}

/** Outside text as a code span: literal for Slack's formatting, and defused as above. */
const code = (text: string) => `\`${slackEscape(text)}\``;

/** Plain text (the header): no control sequences are read there; no angle brackets either. */
const plain = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/[<>]/g, '');

/** A link of our own making (commit, run, console), its label escaped. */
function link(url: string, label: string): string {
  return /^https?:\/\/[^\s<>|]+$/.test(url) && url.length <= SLACK_LIMITS.url
    ? `<${url}|${label}>`
    : label;
}

export function slackMessage(
  report: Report,
  links: SlackLinks = {},
  secrets: readonly string[] = [],
): SlackMessage {
  // Scrubbed where it stands before it leaves, though the report's outside text already is.
  const scrub = (text: string) => redact(text, secrets);
  const title = VERDICT_TITLE[report.verdict];
  const flagged = flaggedInOrder(report);
  const lead = report.sources.read.length > 0 ? leadOf(report, flagged) : undefined;
  const blocks: SlackBlock[] = [];

  const headline = lead ? lead.what : scrub(report.reason);
  blocks.push({
    type: 'header',
    text: {
      type: 'plain_text',
      text: truncate(plain(`${title}: ${headline}`), SLACK_LIMITS.headerText),
      emoji: true,
    },
  });

  if (report.sources.read.length === 0) {
    blocks.push(section(slackEscape(scrub(report.reason))));
  } else if (lead) {
    const lines = [`*Error:* ${code(truncate(scrub(lead.top.template), 300))}`];
    if (lead.suspect) lines.push(`*Likely cause:* ${commitText(report, lead.suspect, scrub)}`);
    else if (lead.noSuspect) lines.push(`*Likely cause:* ${slackEscape(lead.noSuspect)}`);
    if (lead.chain.length > 0) {
      const chain = lead.chain.map((s) => code(truncate(scrub(withoutLevel(s.template)), 80)));
      lines.push(`*Chain:* ${chain.join(' → ')}`);
    }
    blocks.push(section(lines.join('\n')));
  } else {
    blocks.push(section(slackEscape(scrub(report.reason))));
  }

  if (report.sources.read.length > 0) blocks.push(countsFields(report, lead?.top));

  const also = flagged.filter((s) => s.id !== lead?.top.id);
  if (also.length > 0) {
    const rows = also
      .slice(0, MAX_ALSO_FLAGGED)
      .map((s) => `• ${s.status} ${code(truncate(scrub(s.template), 160))} ${countsOf(s)}`);
    if (also.length > MAX_ALSO_FLAGGED) rows.push(`…and ${also.length - MAX_ALSO_FLAGGED} more`);
    blocks.push(section(`*Also flagged*\n${rows.join('\n')}`));
  }

  if (report.analysis.source === 'claude') {
    blocks.push(
      section(`*Analysis:* ${slackEscape(truncate(scrub(report.analysis.summary), 1500))}`),
    );
  }

  if (report.sources.failed.length > 0 && report.sources.read.length > 0) {
    const failed = report.sources.failed.map((f) => slackEscape(scrub(f.message))).join('; ');
    blocks.push(context(`⚠️ Could not read: ${failed}`));
  }

  const buttons = buttonsFor(report, lead?.top, links);
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
  blocks.push(context(footer(report)));

  // What the notification shows: the headline and the error, as the message starts.
  const fallback = `${title}: ${slackEscape(headline)}${lead ? ` — ${code(truncate(scrub(lead.top.template), 300))}` : ''}`;
  return {
    text: truncate(fallback, SLACK_LIMITS.fallbackText),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
    unfurl_links: false,
    unfurl_media: false,
  };
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: fit(text, SLACK_LIMITS.sectionText) } };
}

function context(text: string): SlackBlock {
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: fit(text, SLACK_LIMITS.contextText) }],
  };
}

/** Cut to a limit without leaving a code span or an entity open. */
function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1).replace(/&[a-z]*$/, '');
  if ((cut.match(/`/g) ?? []).length % 2 === 1) cut = `${cut.slice(0, -1)}\``;
  return `${cut}…`;
}

function countsOf(s: ReportSignature): string {
  return `${s.before} → ${s.after}${s.ratio !== null ? ` (${ratioText(s)})` : ''}`;
}

function commitText(
  report: Report,
  suspect: { sha: string; subject?: string; author?: string },
  scrub: (text: string) => string,
): string {
  const sha = `\`${shortSha(suspect.sha)}\``;
  const linked = report.context.repositoryUrl
    ? link(`${report.context.repositoryUrl}/commit/${suspect.sha}`, sha)
    : sha;
  const subject = suspect.subject ? ` ${slackEscape(truncate(scrub(suspect.subject), 120))}` : '';
  const author = suspect.author ? ` (${slackEscape(scrub(suspect.author))})` : '';
  return `${linked}${subject}${author}`;
}

function countsFields(report: Report, top: ReportSignature | undefined): SlackBlock {
  const after = lengthOf(report.windows.after);
  const before = lengthOf(report.windows.baseline);
  const { commits } = report;
  const range = commits.head
    ? `${commits.base ? `\`${shortSha(commits.base)}\`…` : ''}\`${shortSha(commits.head)}\` (${commits.count} commit${commits.count === 1 ? '' : 's'})`
    : 'an unknown range';
  const flaggedCount = report.signatures.filter((s) => s.flagged).length;
  const fields = [
    `*Events*\n${report.events.baseline} in ${before} before → ${report.events.after} in ${after} after`,
    `*Deploy*\n${range} at ${formatTime(Date.parse(report.deployedAt.time))}`,
    `*Signatures*\n${flaggedCount} flagged of ${report.signatures.length}`,
    `*Log groups*\n${report.logGroups.length > 0 ? report.logGroups.map((g) => code(g)).join(', ') : 'local files'}`,
  ];
  if (top) fields.unshift(`*This error*\n${countsOf(top)} in ${after} after vs ${before} before`);
  return {
    type: 'section',
    fields: fields
      .slice(0, SLACK_LIMITS.fields)
      .map((text) => ({ type: 'mrkdwn', text: fit(text, SLACK_LIMITS.fieldText) })),
  };
}

function buttonsFor(
  report: Report,
  top: ReportSignature | undefined,
  links: SlackLinks,
): Extract<SlackBlock, { type: 'actions' }>['elements'] {
  const { region, runUrl } = report.context;
  const candidates: Array<[string, string | undefined]> = [
    ['PR comment', links.commentUrl],
    ['Workflow run', runUrl],
  ];
  if (region && top && top.logGroups.length > 0) {
    const query = insightsUrl({
      region,
      logGroups: top.logGroups,
      start: report.windows.baseline.start,
      end: report.windows.after.end,
      query: signatureQuery(top.template),
    });
    candidates.push([
      'CloudWatch',
      query.length <= SLACK_LIMITS.url ? query : logGroupUrl(region, top.logGroups[0]),
    ]);
  } else if (region && report.logGroups.length > 0) {
    candidates.push(['CloudWatch', logGroupUrl(region, report.logGroups[0])]);
  }
  return candidates
    .filter((entry): entry is [string, string] => {
      const url = entry[1];
      return !!url && /^https?:\/\//.test(url) && url.length <= SLACK_LIMITS.url;
    })
    .map(([label, url], i) => ({
      type: 'button',
      text: { type: 'plain_text', text: truncate(label, SLACK_LIMITS.buttonText) },
      url,
      action_id: `aftershock-link-${i}`,
    }));
}

function footer(report: Report): string {
  const model =
    report.analysis.source === 'claude'
      ? slackEscape(report.analysis.model ?? 'Claude')
      : 'statistics only';
  return `Aftershock ${report.version} · ${model}`;
}

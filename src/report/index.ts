export type { EarlyCall, Report, ReportContext, ReportSignature } from './types.js';
export { buildReport } from './build.js';
export { renderMarkdown, escapeInline, MAX_COMMENT_CHARS } from './markdown.js';
export { outcomeOf } from './outcome.js';
export { renderTerminal, terminalSafe } from './terminal.js';
export { slackMessage } from './slack-message.js';
export { postToSlack, type SlackResult } from './slack.js';

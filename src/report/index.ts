export type { Report, ReportContext, ReportSignature, IsoWindow } from './types.js';
export { buildReport, type ReportInput } from './build.js';
export { renderMarkdown, escapeInline, inlineCode, MAX_COMMENT_CHARS } from './markdown.js';
export { outcomeOf, type Outcome } from './outcome.js';

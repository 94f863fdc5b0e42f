import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

/**
 * Markdown to HTML the way GitHub reads it: GFM tables, autolinks of bare URLs and `www.` hosts,
 * strikethrough and task lists, with raw HTML passed through (GitHub keeps a safe subset of it).
 */
export function renderGfm(markdown: string): string {
  return micromark(markdown, {
    allowDangerousHtml: true,
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
  });
}

/** The targets of every link and image in rendered HTML. */
export function linkTargets(html: string): string[] {
  return [...html.matchAll(/<(?:a|img)\b[^>]*?\b(?:href|src)="([^"]*)"/g)].map((m) => m[1]);
}

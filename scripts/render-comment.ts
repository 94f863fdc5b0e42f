/**
 * Renders the demo incident's comment as a reader sees it on GitHub: the Markdown through
 * cmark-gfm (GitHub's renderer), GitHub's Markdown CSS, Mermaid charts drawn by Mermaid, and a
 * headless Chromium screenshot. Writes docs/demo-comment.md and docs/comment.png.
 *
 * Needs Debian's `cmark-gfm` and `chromium`: apt-get install cmark-gfm chromium
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../src/commands.js';

let markdown = '';
const code = await main(['demo'], {
  stdout: (text) => void (markdown += text),
  stderr: (text) => void process.stderr.write(text),
  env: {},
  stdin: Readable.from([]),
  now: Date.now,
});
if (code !== 0) throw new Error(`the demo exited ${code}`);
writeFileSync('docs/demo-comment.md', markdown);

const body = execFileSync(
  'cmark-gfm',
  [
    '--unsafe',
    '--github-pre-lang',
    '-e',
    'table',
    '-e',
    'strikethrough',
    '-e',
    'autolink',
    '-e',
    'tagfilter',
  ],
  { input: markdown, encoding: 'utf8' },
).replace(/<pre lang="mermaid"><code>([\s\S]*?)<\/code><\/pre>/g, '<pre class="mermaid">$1</pre>');

const css = readFileSync('node_modules/github-markdown-css/github-markdown-light.css', 'utf8');
const html = `<!doctype html><html><head><meta charset="utf-8"><style>${css}
body { background: #fff; margin: 0; }
.comment { width: 860px; margin: 16px; border: 1px solid #d0d7de; border-radius: 6px; }
.comment header { background: #f6f8fa; border-bottom: 1px solid #d0d7de; padding: 8px 16px;
  font: 14px -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #57606a; }
.markdown-body { padding: 16px; font-size: 14px; }
</style></head><body><div class="comment"><header><b>github-actions</b> bot commented</header>
<article class="markdown-body">${body}</article></div>
<script src="file://${resolve('node_modules/mermaid/dist/mermaid.min.js')}"></script>
<script>mermaid.initialize({ startOnLoad: true, theme: 'default' });</script>
</body></html>`;

const folder = mkdtempSync(join(tmpdir(), 'aftershock-render-'));
const page = join(folder, 'comment.html');
writeFileSync(page, html);
execFileSync('chromium', [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
  `--user-data-dir=${join(folder, 'profile')}`,
  '--allow-file-access-from-files',
  '--virtual-time-budget=5000',
  '--window-size=900,1500',
  `--screenshot=${resolve('docs/comment.png')}`,
  `file://${page}`,
]);
process.stdout.write(`wrote docs/demo-comment.md and docs/comment.png (HTML in ${page})\n`);

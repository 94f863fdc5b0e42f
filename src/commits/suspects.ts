import type { Finding } from '../compare/index.js';
import type { ChangedFile, Commit, CommitRange, Suspect } from './types.js';

/** Files whose changes rarely cause a runtime error: they weigh a fifth of other files. */
const LOW_WEIGHT_PATH =
  /(?:^|\/)(?:package-lock\.json|yarn\.lock|pnpm-lock\.yaml|go\.sum|Cargo\.lock|poetry\.lock|Gemfile\.lock)$|\.(?:md|rst|txt)$|(?:^|\/)(?:docs?|\.github|__tests__|tests?|spec)\/|\.(?:test|spec)\.[jt]sx?$/i;

const STOP_WORDS = new Set(
  'error exception failed failure warn warning fatal info debug null undefined true false with from that this when while during cannot could unable retry after before request response the and for java lang util main src app lib'.split(
    ' ',
  ),
);

/**
 * Distinctive words of a signature: identifiers and words of four letters or more, never the
 * masks' placeholders (`<TIME>`, `<HOST>`, `<UUID>`), which name no code.
 */
export function distinctiveTokens(finding: Pick<Finding, 'template'>): string[] {
  const text = finding.template.replace(/<[A-Z*]+>/g, ' ');
  const words = text.match(/[A-Za-z_][\w$]{3,}/g) ?? [];
  return [...new Set(words.filter((word) => !STOP_WORDS.has(word.toLowerCase())))];
}

/** Whether `text` holds `word` as a whole identifier: `TIME` is not in `TIMEOUT`. */
function holdsIdentifier(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
    const before = at === 0 ? '' : text[at - 1];
    const after = text[at + word.length] ?? '';
    if (!/[\w$]/.test(before) && !/[\w$]/.test(after)) return true;
  }
  return false;
}

/**
 * Source files and function names from stack frames in the examples. A file is as much of its
 * path as the frame tells: the deployed path (Node, Python), or package path and file (Java).
 */
export function stackFrameNames(examples: string[]): { files: string[]; functions: string[] } {
  const files = new Set<string>();
  const functions = new Set<string>();
  for (const example of examples) {
    // Java: at com.shop.checkout.CartService.total(CartService.java:42)
    for (const m of example.matchAll(/at ([\w$.]+)\.([\w$<>]+)\(([\w$.-]+\.\w+):\d+\)/g)) {
      const packagePath = m[1].split('.').filter((part) => /^[a-z_]/.test(part));
      files.add([...packagePath, m[3]].join('/'));
      functions.add(m[2]);
    }
    // Node: at total (/app/src/cart.ts:42:7) and at /app/src/cart.ts:42:7
    for (const m of example.matchAll(
      /at (?:([\w$.<>]+) \()?(?:file:\/\/)?([^\s()]+\.[cm]?[jt]sx?):\d+:\d+\)?/g,
    )) {
      files.add(m[2].replace(/\\/g, '/'));
      if (m[1]) functions.add(m[1].split('.').pop() ?? m[1]);
    }
    // Python: File "/app/shop/cart.py", line 42, in total
    for (const m of example.matchAll(/File "([^"]+)", line \d+, in ([\w<>]+)/g)) {
      files.add(m[1].replace(/\\/g, '/'));
      functions.add(m[2]);
    }
  }
  functions.delete('<module>');
  return { files: [...files], functions: [...functions] };
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/**
 * Whether a changed file is a file of the stack trace. Paths in frames are where the code runs
 * (`/app/src/cart.ts`) or a package path: they match the repository path by their last two
 * segments, so that a generic name (`index.ts`) in another folder does not match.
 */
function inStackTrace(path: string, frameFiles: string[]): boolean {
  const tail = (p: string) => p.split('/').slice(-2).join('/');
  return frameFiles.some((frame) =>
    frame.includes('/') ? tail(frame) === tail(path) : frame === baseName(path),
  );
}

function quoteList(words: string[]): string {
  return words
    .slice(0, 3)
    .map((word) => `\`${word}\``)
    .join(', ');
}

function addedLines(file: ChangedFile): string[] {
  return (file.patch ?? '')
    .split('\n')
    .filter((line) => line.startsWith('+') && !line.startsWith('+++'))
    .map((line) => line.slice(1));
}

/** Removed lines and hunk headers (which name the enclosing function): what a change touched. */
function touchedLines(file: ChangedFile): string[] {
  return (file.patch ?? '')
    .split('\n')
    .filter((line) => (line.startsWith('-') && !line.startsWith('---')) || line.startsWith('@@'));
}

/** The file name without extension and the directories of a path, lower case. */
function pathParts(path: string): string[] {
  const segments = path.toLowerCase().split('/');
  const name = (segments.pop() ?? '').replace(/\..*$/, '');
  return [name, ...segments];
}

interface Evidence {
  score: number;
  reasons: Array<{ weight: number; text: string }>;
}

function scoreCommit(
  commit: Commit,
  tokens: string[],
  frames: ReturnType<typeof stackFrameNames>,
): Evidence {
  const evidence: Evidence = { score: 0, reasons: [] };
  for (const file of commit.files) {
    const weight = LOW_WEIGHT_PATH.test(file.path) ? 0.2 : 1;
    const added = addedLines(file).join('\n');
    const touched = `${added}\n${touchedLines(file).join('\n')}`;
    const tokensAdded = tokens.filter((token) => holdsIdentifier(added, token));
    const add = (points: number, text: string) => {
      evidence.score += weight * points;
      evidence.reasons.push({ weight: weight * points, text });
    };
    if (inStackTrace(file.path, frames.files)) {
      add(4, `changes ${file.path}, which is in the stack trace`);
    }
    const functionsChanged = frames.functions.filter(
      (fn) => fn.length > 2 && holdsIdentifier(touched, fn),
    );
    if (functionsChanged.length > 0) {
      add(
        2 * functionsChanged.length,
        `changes ${quoteList(functionsChanged)} in ${file.path} (functions in the stack trace)`,
      );
    }
    if (tokensAdded.length > 0) {
      add(3 * tokensAdded.length, `adds lines with ${quoteList(tokensAdded)} in ${file.path}`);
    }
    const parts = pathParts(file.path);
    const component = tokens.filter(
      (token) => token.length > 4 && parts.includes(token.toLowerCase()),
    );
    if (component.length > 0 && !inStackTrace(file.path, frames.files)) {
      add(2, `changes ${file.path}, named like ${quoteList(component)} in the error`);
    }
  }
  return evidence;
}

/**
 * For each new or increased signature, the commit of the range with the most evidence in its
 * diff: the signature's distinctive words in added lines, and stack-frame files and functions
 * among the changed files. No evidence, no suspect.
 */
export function rankSuspects(findings: Finding[], range: CommitRange): Suspect[] {
  const suspects: Suspect[] = [];
  for (const finding of findings) {
    if (finding.status !== 'new' && finding.status !== 'increased') continue;
    const tokens = distinctiveTokens(finding);
    const frames = stackFrameNames(finding.examples);
    let best: { commit: Commit; evidence: Evidence } | undefined;
    for (const commit of range.commits) {
      const evidence = scoreCommit(commit, tokens, frames);
      if (evidence.score > 0 && (!best || evidence.score > best.evidence.score)) {
        best = { commit, evidence };
      }
    }
    if (best) {
      const evidence = best.evidence.reasons
        .sort((a, b) => b.weight - a.weight)
        .slice(0, 3)
        .map((r) => r.text);
      suspects.push({
        sha: best.commit.sha,
        signatureId: finding.id,
        score: Math.round(best.evidence.score * 10) / 10,
        reason: `${best.commit.sha.slice(0, 7)} "${best.commit.subject}" ${evidence.join('; ')}`,
        subject: best.commit.subject,
        ...(best.commit.author !== undefined && { author: best.commit.author }),
        evidence,
      });
    }
  }
  return suspects;
}

/**
 * One note per new or increased signature that no commit of the range has evidence for, so
 * that the report says so rather than leaving the reader to guess.
 */
export function unexplainedFindings(
  findings: Finding[],
  suspects: Suspect[],
  range: CommitRange,
): string[] {
  const flagged = findings.filter((f) => f.status === 'new' || f.status === 'increased');
  const unexplained = flagged.filter((f) => !suspects.some((s) => s.signatureId === f.id));
  if (unexplained.length === 0) return [];
  const ids = unexplained.map((f) => f.id).join(', ');
  if (range.commits.length === 0) {
    return [`No commits of the deploy were read: no suspect is named for ${ids}.`];
  }
  return [
    `No commit of the ${range.commits.length} read has evidence for ${ids} in its diff (no matching words, stack frames or files): no suspect is named rather than a guess.`,
  ];
}

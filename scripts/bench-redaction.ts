/**
 * Precision of the scrubber on real text: every raw line of Loghub-2k goes through it, and every
 * span it would scrub is listed with its kind, so a reader can check that each one is shaped like
 * a credential (or an e-mail address) and not a word, a path or an id. Also prints the recall on
 * the secrets corpus of the tests and the throughput. Usage: npm run bench:redaction
 */
import { findSecretSpans, type SecretKind } from '../src/redact.js';
import { DATASETS, LOGHUB_DIR, loadDataset, loghubAvailable } from './lib/loghub.js';
import { SECRET_CORPUS } from '../__fixtures__/secrets.js';

if (!loghubAvailable()) {
  console.log(`Loghub-2k not found at ${LOGHUB_DIR} (relative to the repository root): skipped.`);
  process.exit(0);
}

interface Hit {
  dataset: string;
  kind: SecretKind;
  text: string;
  line: string;
}

const hits: Hit[] = [];
let lines = 0;
let chars = 0;
let elapsed = 0;
for (const name of DATASETS) {
  const { raw } = loadDataset(name);
  const started = performance.now();
  const found = raw.map((line) => findSecretSpans(line));
  elapsed += performance.now() - started;
  raw.forEach((line, i) => {
    lines++;
    chars += line.length;
    for (const span of found[i]) {
      hits.push({ dataset: name, kind: span.kind, text: line.slice(span.start, span.end), line });
    }
  });
}

console.log(
  `Loghub-2k: ${lines.toLocaleString('en-US')} lines, ${(chars / 1e6).toFixed(1)} MB, scrubbed in ${elapsed.toFixed(0)} ms (${Math.round(lines / (elapsed / 1000)).toLocaleString('en-US')} lines/s)`,
);
console.log(`${hits.length} spans scrubbed in ${new Set(hits.map((h) => h.line)).size} lines\n`);

const byKind = new Map<SecretKind, Hit[]>();
for (const hit of hits) byKind.set(hit.kind, [...(byKind.get(hit.kind) ?? []), hit]);
for (const [kind, list] of [...byKind].sort((a, b) => b[1].length - a[1].length)) {
  const distinct = new Map<string, { count: number; datasets: Set<string>; line: string }>();
  for (const hit of list) {
    const entry = distinct.get(hit.text) ?? { count: 0, datasets: new Set(), line: hit.line };
    entry.count++;
    entry.datasets.add(hit.dataset);
    distinct.set(hit.text, entry);
  }
  console.log(`## ${kind}: ${list.length} spans, ${distinct.size} distinct`);
  for (const [text, entry] of [...distinct].sort((a, b) => b[1].count - a[1].count)) {
    console.log(
      `  ${String(entry.count).padStart(5)}  ${JSON.stringify(text)}  (${[...entry.datasets].join(', ')})  e.g. ${JSON.stringify(entry.line.slice(0, 160))}`,
    );
  }
  console.log('');
}

let recalled = 0;
for (const { line, secret } of SECRET_CORPUS) {
  const spans = findSecretSpans(line);
  const covered = spans.some((span) => {
    const at = line.indexOf(secret);
    return span.start <= at && span.end >= at + secret.length;
  });
  if (covered) recalled++;
  else console.log(`MISSED: ${JSON.stringify(secret)} in ${JSON.stringify(line)}`);
}
console.log(
  `Secrets corpus: ${recalled} of ${SECRET_CORPUS.length} secrets scrubbed whole (recall ${(recalled / SECRET_CORPUS.length).toFixed(3)})`,
);

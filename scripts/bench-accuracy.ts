/**
 * Grouping accuracy of the signature miner on Loghub-2k, on the `Content` column and on raw
 * lines, with one configuration for every dataset, the stability of signatures across windows,
 * and how little the groups depend on the order lines arrive in; then what users see on a
 * labelled set of failures: whether each gets a signature of its own that names the error.
 * Usage: npm run bench:accuracy
 */
import { Readable } from 'node:stream';
import { failureEvents, LABELLED_FAILURES, scoreFailures } from '../__fixtures__/failures.js';
import { seededRandom } from '../src/demo/random.js';
import { printSignatures } from '../src/signatures/lines.js';
import { DATASETS, LOGHUB_DIR, loadDataset, loghubAvailable, score } from './lib/loghub.js';
import { mineLines } from './lib/mine.js';

if (loghubAvailable()) loghubTable();
else
  console.log(`Loghub-2k not found at ${LOGHUB_DIR} (relative to the repository root): skipped.`);
await failuresTable();

function loghubTable(): void {
  const rows: string[][] = [];
  const sums = { ga: 0, fga: 0, rawGa: 0, rawFga: 0, stable: 0, halves: 0, shuffled: 0 };
  const started = performance.now();
  for (const name of DATASETS) {
    const data = loadDataset(name);
    const content = score(mineLines(data.content), data.truth);
    const raw = score(mineLines(data.raw), data.truth);
    const { stable, halves } = stability(data.raw);
    const shuffled = orderIndependence(data.content);
    sums.ga += content.ga;
    sums.fga += content.fga;
    sums.rawGa += raw.ga;
    sums.rawFga += raw.fga;
    sums.stable += stable;
    sums.halves += halves;
    sums.shuffled += shuffled;
    rows.push([name, content.ga, content.fga, raw.ga, raw.fga, stable, halves, shuffled].map(cell));
  }
  const n = DATASETS.length;
  const averages = [sums.ga, sums.fga, sums.rawGa, sums.rawFga, sums.stable, sums.halves];
  rows.push(['average', ...[...averages, sums.shuffled].map((sum) => sum / n)].map(cell));
  printTable(
    ['dataset', 'GA', 'FGA', 'raw GA', 'raw FGA', 'stability', 'halves alone', 'shuffled'],
    rows,
  );
  console.log(`\n${n} datasets in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(
    'stability: share of lines with the same signature when the halves are mined as the baseline\n' +
      'and after windows as in one pass; halves alone: the same with a separate miner per half;\n' +
      'shuffled: share of lines grouped as in file order when the lines come in a random order.',
  );
}

/**
 * The labelled failures (several exceptions under one message, fresh ids in every event), mined
 * as `aftershock signatures --per-line` mines them: per format, the failures whose events all
 * got one signature of their own, and of those the ones whose template names the error.
 */
async function failuresTable(): Promise<void> {
  const events = failureEvents(20);
  let output = '';
  await printSignatures(Readable.from(events.map(({ event }) => event)), {
    perLine: true,
    write: (text) => (output += text),
  });
  const assigned = output
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { id: string; template: string });
  const scores = scoreFailures(events, assigned);
  const total = scores.reduce(
    (sum, row) => ({
      failures: sum.failures + row.failures,
      own: sum.own + row.own,
      named: sum.named + row.named,
    }),
    { failures: 0, own: 0, named: 0 },
  );
  console.log(
    `\nLabelled failures: ${LABELLED_FAILURES.length} distinct failures, ${events.length} events`,
  );
  printTable(
    ['format', 'failures', 'own signature', 'names the error'],
    [...scores, { format: 'all', ...total }].map((row) => [
      row.format,
      String(row.failures),
      `${row.own} (${cell(row.own / row.failures)})`,
      `${row.named} (${cell(row.named / row.failures)})`,
    ]),
  );
}

/**
 * The share of lines whose signature is the same when the halves are mined as the baseline and
 * after windows (one miner, as `mineSignatures` does) as in one pass, and when each half is
 * mined by a miner of its own (the harder case: no shared history at all).
 */
function stability(lines: string[]): { stable: number; halves: number } {
  const half = Math.floor(lines.length / 2);
  const [before, after] = [lines.slice(0, half), lines.slice(half)];
  const whole = mineLines(lines);
  const windows = mineLines(before, after);
  const alone = [...mineLines(before), ...mineLines(after)];
  let stable = 0;
  let same = 0;
  for (let i = 0; i < lines.length; i++) {
    if (windows[i] === whole[i]) stable++;
    if (alone[i] === whole[i]) same++;
  }
  return { stable: stable / lines.length, halves: same / lines.length };
}

/**
 * The grouping accuracy of the content lines mined in a seeded random order, scored against
 * their grouping in file order: 1 when the groups do not depend on the order at all.
 */
function orderIndependence(lines: string[]): number {
  const next = seededRandom(7);
  const order = lines.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const mined = mineLines(order.map((i) => lines[i]));
  const shuffled: string[] = [];
  order.forEach((line, position) => (shuffled[line] = mined[position]));
  return score(shuffled, mineLines(lines)).ga;
}

function cell(value: string | number): string {
  return typeof value === 'number' ? value.toFixed(3) : value;
}

function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  for (const row of body) console.log(line(row));
}

/**
 * Throughput and peak memory of signature mining on 1M generated error lines of mixed formats,
 * next to the floor: streaming the same file and splitting it into lines and tokens. Inputs:
 * realistic lines with fresh ids in every one, repetitive lines whose values repeat, and the
 * worst case of every line a new template; each at half and at full size, to show the growth.
 * Then one 5 MB line through the bundled CLI's commands. Each phase runs RUNS times, in turns,
 * and the median run of each counts: a shared machine's noise moves single runs both ways.
 * Usage: npm run bench:signatures [-- LINES]  (the 5 MB line uses the committed dist/)
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../src/compare/stats.js';
import { addMessage } from '../src/signatures/line.js';
import { TemplateMiner } from '../src/signatures/miner.js';
import { generateLines, generateNewTemplates } from './lib/generate.js';
import { generateRealisticLines } from './lib/generate-realistic.js';

const RUNS = 5;

interface Input {
  name: string;
  lines: (count: number) => Iterable<string>;
  /** Fewer lines than asked: an input whose every line is new is about the template cap. */
  count?: (asked: number) => number;
}

const INPUTS: readonly Input[] = [
  { name: 'realistic: fresh ids in every line, 300 Zipf templates', lines: generateRealisticLines },
  { name: 'repetitive: values repeat, the word caches hit', lines: generateLines },
  {
    name: 'worst case: every line a new template (cap 5,000)',
    lines: generateNewTemplates,
    count: (asked) => Math.min(asked, 100_000),
  },
];

const [phase, file] = process.argv.slice(2);
if (phase === 'floor' || phase === 'mine') {
  await measure(phase, file);
} else {
  await compare(Number(phase ?? 1_000_000));
}

async function compare(asked: number): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'aftershock-bench-'));
  try {
    console.log(`median of ${RUNS} runs each, mining and floor in turns\n`);
    const rows: string[][] = [
      ['input', 'lines', 'floor lines/s', 'mined lines/s', 'share', 'peak RSS', 'templates'],
    ];
    for (const input of INPUTS) {
      // Half the input, then all of it: a share that holds says the time grows linearly.
      for (const count of [
        Math.floor((input.count?.(asked) ?? asked) / 2),
        input.count?.(asked) ?? asked,
      ]) {
        const path = join(folder, 'errors.log');
        await writeLines(path, input.lines(count));
        const floors: Result[] = [];
        const mines: Result[] = [];
        for (let i = 0; i < RUNS; i++) {
          floors.push(run('floor', path));
          mines.push(run('mine', path));
        }
        const floor = medianRun(floors);
        const mine = medianRun(mines);
        const rate = (r: Result) => Math.round(r.lines / r.seconds);
        rows.push([
          input.name,
          String(count),
          String(rate(floor)),
          String(rate(mine)),
          (rate(mine) / rate(floor)).toFixed(2),
          `${(mine.maxRssKb / 1024).toFixed(0)} MB`,
          `${mine.templates}${mine.capReached ? ' (cap)' : ''}`,
        ]);
      }
    }
    printTable(rows);
    console.log("\nshare: mined lines/s over the floor's (reading and splitting the same file).");
    await longLine(folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** One 5 MB error line through the bundled CLI's commands: each within a second. */
async function longLine(folder: string): Promise<void> {
  const cli = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
  const before = join(folder, 'before.log');
  const after = join(folder, 'after.log');
  await writeLines(before, ['2026-03-01T13:06:00Z ERROR steady timeout']);
  const words = generateNewTemplates(120_000);
  let line = '2026-03-01T14:06:00Z ERROR';
  for (const word of words) {
    line += ` ${word}`;
    if (line.length > 5 * 1024 * 1024) break;
  }
  await writeLines(after, [line]);
  const both = join(folder, 'both.log');
  await writeLines(both, ['2026-03-01T13:06:00Z ERROR steady timeout', line]);
  const commands: Array<[string, string[]]> = [
    ['signatures', ['signatures', after]],
    ['signatures --per-line', ['signatures', '--per-line', after]],
    [
      'analyze --before --after',
      ['analyze', '--before', before, '--after', after, '--format', 'json'],
    ],
    ['analyze FILE --deployed-at', ['analyze', both, '--deployed-at', '2026-03-01T14:00:00Z']],
    ['node alone (the floor)', ['--version']],
  ];
  console.log(
    `\none line of ${(line.length / 1024 / 1024).toFixed(1)} MB, bundled CLI, median of ${RUNS}:`,
  );
  for (const [name, args] of commands) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
      times.push(performance.now() - started);
    }
    console.log(
      `  ${name.padEnd(28)} ${(median(times) / 1000).toFixed(2)} s${name.startsWith('node') ? '' : ' (limit 1 s)'}`,
    );
  }
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) {
    console.log(
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
        .join('  '),
    );
  }
}

async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  for (const line of lines) {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
}

function medianRun(results: Result[]): Result {
  const sorted = [...results].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor(sorted.length / 2)];
}

interface Result {
  lines: number;
  seconds: number;
  maxRssKb: number;
  /** Counted so that splitting cannot be optimised away. */
  tokens?: number;
  templates?: number;
  capReached?: boolean;
}

function run(which: string, path: string): Result {
  const script = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [...process.execArgv, script, which, path], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`${which} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as Result;
}

async function measure(which: 'floor' | 'mine', path: string): Promise<void> {
  const miner = new TemplateMiner();
  let lines = 0;
  let tokens = 0;
  const started = performance.now();
  for await (const line of readLines(path)) {
    lines++;
    if (which === 'floor') tokens += line.split(/\s+/).length;
    else addMessage(miner, line);
  }
  const seconds = (performance.now() - started) / 1000;
  const result: Result = {
    lines,
    seconds,
    maxRssKb: process.resourceUsage().maxRSS,
  };
  if (which === 'mine') {
    result.templates = miner.templates.length;
    result.capReached = miner.capReached;
  } else {
    result.tokens = tokens;
  }
  process.stdout.write(JSON.stringify(result));
}

async function* readLines(path: string): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    const parts = (rest + (chunk as string)).split('\n');
    rest = parts.pop() ?? '';
    yield* parts;
  }
  if (rest) yield rest;
}

/**
 * Throughput and peak memory of signature mining on 1M generated error lines of mixed formats,
 * next to the floor: streaming the same file and splitting it into lines and tokens. Two inputs:
 * realistic lines with fresh ids in every one, and repetitive lines whose values repeat. Each phase
 * runs RUNS times, in turns, and the fastest run of each counts, as timing noise only slows.
 * Usage: npm run bench:signatures [-- LINES]
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addMessage } from '../src/signatures/line.js';
import { TemplateMiner } from '../src/signatures/miner.js';
import { generateLines } from './lib/generate.js';
import { generateRealisticLines } from './lib/generate-realistic.js';

const RUNS = 3;

const GENERATORS = [
  {
    name: 'realistic (fresh ids in every line, 300 Zipf templates)',
    lines: generateRealisticLines,
  },
  { name: 'repetitive (values repeat: the word caches hit)', lines: generateLines },
] as const;

const [phase, file] = process.argv.slice(2);
if (phase === 'floor' || phase === 'mine') {
  await measure(phase, file);
} else {
  await compare(Number(phase ?? 1_000_000));
}

async function compare(count: number): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'aftershock-bench-'));
  try {
    console.log(`${count} generated error lines per input, fastest of ${RUNS} runs each\n`);
    for (const generator of GENERATORS) {
      const path = join(folder, 'errors.log');
      await writeLines(path, generator.lines(count));
      // Each phase in its own process, so that peak memory is its own; in turns, against drift.
      const floors: Result[] = [];
      const mines: Result[] = [];
      for (let i = 0; i < RUNS; i++) {
        floors.push(run('floor', path));
        mines.push(run('mine', path));
      }
      const floor = fastest(floors);
      const mine = fastest(mines);
      const rate = (r: Result) => Math.round(r.lines / r.seconds);
      console.log(generator.name);
      for (const [name, r] of [
        ['  floor (stream, split lines and tokens)', floor],
        ['  signatures (mask, header, mine)', mine],
      ] as const) {
        const peak = (r.maxRssKb / 1024).toFixed(0);
        console.log(
          `${name.padEnd(42)} ${String(rate(r)).padStart(9)} lines/s  peak RSS ${peak} MB`,
        );
      }
      console.log(`  share of the floor's speed: ${(rate(mine) / rate(floor)).toFixed(2)}`);
      console.log(`  templates: ${mine.templates}, cap reached: ${mine.capReached}\n`);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
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

function fastest(results: Result[]): Result {
  return results.reduce((best, result) => (result.seconds < best.seconds ? result : best));
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

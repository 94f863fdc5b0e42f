import { createHash } from 'node:crypto';
import { redact, redactTemplate, secretValues } from '../redact.js';
import { detach, errorMessage, wellFormed } from '../text.js';
import type { EventRef, LogSource, TimeRange, WindowName } from '../sources/types.js';
import { detectKind, eventLevel, higherLevel, type Kind, type Level } from './classify.js';
import { failureOf } from './failure.js';
import { SignatureKeys } from './keys.js';
import { addText, messageOf } from './line.js';
import { TemplateMiner, type MinerOptions } from './miner.js';

export type { Kind, Level } from './classify.js';
export { TemplateMiner } from './miner.js';
export { tokenize } from './line.js';

export interface Windows {
  baseline: TimeRange;
  after: TimeRange;
}

/** One error signature with its counts in both windows. */
export interface Signature {
  /** The hash of the final template, before it was scrubbed. */
  id: string;
  /** Scrubbed of credentials where they stand, as are the examples. */
  template: string;
  level: Level;
  kind: Kind;
  logGroups: string[];
  before: number;
  after: number;
  /** A few raw events, first occurrences after the deploy first. */
  examples: string[];
  /** Timestamp (ms) of the first occurrence in the after window, when the source gave times. */
  firstSeenAfter?: number;
  /** The first example's place in its source, to read its neighbours (stack trace lines). */
  exampleRef?: EventRef & { source: string };
  /** Counts over time in both windows, to tell a bursty signature from a steady one. */
  buckets?: Buckets;
}

/**
 * Counts per time bucket of equal length, from the start of each window. Events without a
 * timestamp, or with one outside their window, are counted in `unbucketed` instead.
 */
export interface Buckets {
  bucketMs: number;
  baseline: number[];
  after: number[];
  unbucketed: Record<WindowName, number>;
}

export interface SourceFailure {
  source: string;
  /** `read`: the source could not be read; `mine`: what it gave could not be mined. */
  kind: 'read' | 'mine';
  message: string;
}

export interface MinedSignatures {
  signatures: Signature[];
  failures: SourceFailure[];
  /** Sources that were read; failed sources are left out. */
  sourcesRead: string[];
  eventsRead: Record<WindowName, number>;
  /** Whether the service logged anything after the deploy; undefined when no source could tell. */
  loggedAfter?: boolean;
  templateCapReached: boolean;
  /** Windows a source cut at its event cap: their counts are lower bounds. */
  truncated: Truncation[];
}

export interface Truncation {
  source: string;
  window: WindowName;
  maxEvents: number;
  /** The latest timestamp read before the cut: the counts cover the window up to here. */
  lastTimestamp?: number;
}

export interface MineOptions extends MinerOptions {
  examplesPerSignature?: number;
  signal?: AbortSignal;
}

const MAX_EXAMPLE_CHARS = 4000;
const MAX_BUCKETS_PER_WINDOW = 1000;

/** Whole minutes, at least one, and few enough buckets per window to keep memory bounded. */
export function bucketLength(windows: Windows): number {
  const longest = Math.max(
    ...[windows.baseline, windows.after].map((range) => range.end - range.start),
  );
  return Math.max(1, Math.ceil(longest / MAX_BUCKETS_PER_WINDOW / 60_000)) * 60_000;
}

/** Short, stable id of a template: the same template gives the same id on every machine. */
export function signatureId(template: string): string {
  return createHash('sha256').update(template).digest('hex').slice(0, 10);
}

interface Tally {
  /** The final text, set once every event is in. */
  text?: string;
  level: Level;
  kind: Kind;
  before: number;
  after: number;
  afterExamples: string[];
  beforeExamples: string[];
  firstSeenAfter?: number;
  buckets: Buckets;
  /** The first after-window example's place, when the source told it. */
  exampleRef?: EventRef;
}

function emptyBuckets(bucketMs: number): Buckets {
  return { bucketMs, baseline: [], after: [], unbucketed: { baseline: 0, after: 0 } };
}

/** Arrays are filled on the first timestamped event, so signatures without times cost nothing. */
function countInBucket(
  buckets: Buckets,
  window: WindowName,
  range: TimeRange,
  timestamp: number | undefined,
): void {
  const index =
    timestamp === undefined ? -1 : Math.floor((timestamp - range.start) / buckets.bucketMs);
  const length = Math.ceil((range.end - range.start) / buckets.bucketMs);
  if (!(index >= 0 && index < length)) {
    buckets.unbucketed[window]++;
    return;
  }
  if (buckets[window].length === 0) buckets[window] = new Array<number>(length).fill(0);
  buckets[window][index]++;
}

function mergeBuckets(into: Buckets, from: Buckets): void {
  for (const window of ['baseline', 'after'] as const) {
    into.unbucketed[window] += from.unbucketed[window];
    if (from[window].length === 0) continue;
    if (into[window].length === 0) into[window] = [...from[window]];
    else from[window].forEach((count, i) => (into[window][i] += count));
  }
}

/**
 * Streams the error events of every source through one miner per source (both windows in the
 * same miner, baseline first, so a signature is the same in both windows) and counts them.
 * A source that fails is named in `failures` and contributes nothing.
 */
export async function mineSignatures(
  sources: LogSource[],
  windows: Windows,
  options: MineOptions = {},
): Promise<MinedSignatures> {
  const results = await Promise.all(sources.map((source) => mineSource(source, windows, options)));
  const failures: SourceFailure[] = [];
  const read: SourceResult[] = [];
  for (const result of results) {
    if ('failure' in result) failures.push(result.failure);
    else read.push(result);
  }
  const eventsRead = { baseline: 0, after: 0 };
  for (const result of read) {
    eventsRead.baseline += result.eventsRead.baseline;
    eventsRead.after += result.eventsRead.after;
  }
  const answers = read.map((result) => result.loggedAfter).filter((answer) => answer !== undefined);
  return {
    signatures: mergeBySignature(read, options.examplesPerSignature ?? 3),
    failures,
    sourcesRead: read.map((result) => result.source),
    eventsRead,
    loggedAfter: answers.length > 0 ? answers.some(Boolean) : undefined,
    templateCapReached: read.some((result) => result.capReached),
    truncated: read.flatMap((result) => result.truncated),
  };
}

interface SourceResult {
  source: string;
  tallies: Tally[];
  eventsRead: Record<WindowName, number>;
  loggedAfter?: boolean;
  capReached: boolean;
  truncated: Truncation[];
}

async function mineSource(
  source: LogSource,
  windows: Windows,
  options: MineOptions,
): Promise<SourceResult | { failure: SourceFailure }> {
  const miner = new TemplateMiner(options);
  const keys = new SignatureKeys();
  const tallies: Tally[] = [];
  const eventsRead = { baseline: 0, after: 0 };
  const truncated: Truncation[] = [];
  const keep = options.examplesPerSignature ?? 3;
  const bucketMs = bucketLength(windows);
  try {
    for (const window of ['baseline', 'after'] as const) {
      for await (const event of readFailures(
        source.events(window, windows[window], options.signal),
      )) {
        if (event.truncated) {
          truncated.push({ source: source.name, ...event.truncated });
          continue;
        }
        eventsRead[window]++;
        const message = messageOf(event.message);
        const template = addText(miner, message);
        const failure = failureOf(message);
        const tally = (tallies[keys.slotOf(template, failure)] ??= {
          level: 'unknown',
          kind: 'error',
          before: 0,
          after: 0,
          afterExamples: [],
          beforeExamples: [],
          buckets: emptyBuckets(bucketMs),
        });
        countInBucket(tally.buckets, window, windows[window], event.timestamp);
        tally.level = higherLevel(
          tally.level,
          eventLevel(event.message, message, event.level, template.level, failure !== undefined),
        );
        if (tally.kind === 'error') tally.kind = detectKind(event.message);
        const examples = window === 'after' ? tally.afterExamples : tally.beforeExamples;
        // Detached: a slice of a message read from a file would keep its whole chunk alive.
        if (examples.length < keep)
          examples.push(detach(event.message.slice(0, MAX_EXAMPLE_CHARS)));
        if (
          window === 'after' &&
          tally.exampleRef === undefined &&
          event.timestamp !== undefined &&
          event.logStream !== undefined
        ) {
          tally.exampleRef = {
            message: detach(event.message),
            timestamp: event.timestamp,
            logStream: event.logStream,
          };
        }
        if (window === 'after') {
          tally.after++;
          if (event.timestamp !== undefined) {
            tally.firstSeenAfter = Math.min(tally.firstSeenAfter ?? Infinity, event.timestamp);
          }
        } else {
          tally.before++;
        }
      }
    }
    const loggedAfter =
      eventsRead.after > 0
        ? true
        : await source.loggedAnything?.(windows.after, options.signal).catch((error: unknown) => {
            throw new ReadFailure(error);
          });
    tallies.forEach((tally, slot) => (tally.text = keys.text(slot)));
    return {
      source: source.name,
      tallies: tallies.filter(Boolean),
      eventsRead,
      loggedAfter,
      capReached: miner.capReached,
      truncated,
    };
  } catch (error) {
    const message =
      error instanceof ReadFailure
        ? describeError(source.name, error.cause)
        : `${source.name}: could not mine its events (${errorMessage(error)}); this is a bug in Aftershock, not in the logs or the access to them`;
    return {
      failure: {
        source: source.name,
        kind: error instanceof ReadFailure ? 'read' : 'mine',
        message: redact(message),
      },
    };
  }
}

/** A failure of the source itself, told apart from one while mining what it gave. */
class ReadFailure extends Error {
  constructor(override readonly cause: unknown) {
    super(errorMessage(cause));
  }
}

/**
 * The events as the source gives them; what the source throws comes out as a ReadFailure. A
 * failure of the loop's own body is not the source's: the generator is only returned then.
 */
async function* readFailures<T>(events: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = events[Symbol.asyncIterator]();
  let open = true;
  try {
    for (;;) {
      let next: IteratorResult<T>;
      try {
        next = await iterator.next();
      } catch (error) {
        open = false;
        throw new ReadFailure(error);
      }
      if (next.done) {
        open = false;
        return;
      }
      yield next.value;
    }
  } finally {
    // The loop stopped early (its body threw, or the run was cancelled): let the source clean up.
    if (open) await iterator.return?.();
  }
}

function describeError(source: string, error: unknown): string {
  const message = errorMessage(error);
  return message.includes(source) ? message : `${source}: ${message}`;
}

/** Templates are final only once every event is in, so ids are computed here, at the end. */
function mergeBySignature(results: SourceResult[], keep: number): Signature[] {
  const byId = new Map<string, Signature>();
  for (const result of results) {
    for (const tally of result.tallies) {
      const final = tally.text!;
      const id = signatureId(final);
      const examples = [...tally.afterExamples, ...tally.beforeExamples];
      const existing = byId.get(id);
      if (!existing) {
        byId.set(id, {
          id,
          // Log text keeps what services log, credentials included: scrubbed where it stands.
          template: wellFormed(redactTemplate(final, examples.flatMap(secretValues))),
          level: tally.level,
          kind: tally.kind,
          logGroups: [result.source],
          before: tally.before,
          after: tally.after,
          examples: examples.slice(0, keep).map((example) => wellFormed(redact(example))),
          ...(tally.firstSeenAfter !== undefined && { firstSeenAfter: tally.firstSeenAfter }),
          buckets: tally.buckets,
          ...(tally.exampleRef && { exampleRef: { ...tally.exampleRef, source: result.source } }),
        });
        continue;
      }
      if (existing.buckets) mergeBuckets(existing.buckets, tally.buckets);
      existing.before += tally.before;
      existing.after += tally.after;
      existing.level = higherLevel(existing.level, tally.level);
      if (!existing.logGroups.includes(result.source)) existing.logGroups.push(result.source);
      const room = keep - existing.examples.length;
      if (room > 0) {
        existing.examples.push(...examples.slice(0, room).map((e) => wellFormed(redact(e))));
      }
      if (tally.firstSeenAfter !== undefined) {
        existing.firstSeenAfter = Math.min(
          existing.firstSeenAfter ?? Infinity,
          tally.firstSeenAfter,
        );
      }
    }
  }
  return [...byId.values()].sort(
    (a, b) => b.after + b.before - (a.after + a.before) || a.id.localeCompare(b.id),
  );
}

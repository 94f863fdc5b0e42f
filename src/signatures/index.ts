import { createHash } from 'node:crypto';
import { redact, redactTemplate, secretValues } from '../redact.js';
import { detach, errorMessage, wellFormed } from '../text.js';
import type {
  EventRef,
  LogEvent,
  LogSource,
  PathChoice,
  ScanStatistics,
  TimeRange,
  WindowName,
} from '../sources/types.js';
import { detectKind, eventLevel, higherLevel, type Kind, type Level } from './classify.js';
import { failureOf } from './failure.js';
import { SignatureKeys } from './keys.js';
import { addText, messageOf } from './line.js';
import { TemplateMiner, type MinerOptions, type Template } from './miner.js';
import { readCounted, type CountingMiner, type CountingPlan } from './server-counts.js';

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
  /** How each source was read (paged, or counted by Logs Insights), and why. */
  paths?: SourcePath[];
  /** What the Logs Insights queries scanned, summed over the sources; absent without any. */
  scanned?: ScanStatistics;
}

export interface SourcePath extends PathChoice {
  source: string;
}

export interface Truncation {
  source: string;
  window: WindowName;
  maxEvents: number;
  /** The latest timestamp read before the cut: the counts cover the window up to here. */
  lastTimestamp?: number;
  /**
   * Counting with Logs Insights: this many events no template's regex matched were left
   * unread. The counts cover the whole window, short by these events.
   */
  unread?: number;
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

/** The bucket of a timestamp from the window's start; -1 without one. */
function bucketOf(buckets: Buckets, range: TimeRange, timestamp: number | undefined): number {
  return timestamp === undefined ? -1 : Math.floor((timestamp - range.start) / buckets.bucketMs);
}

/**
 * Adds events to one bucket of a window, or to `unbucketed` for an index outside it. Arrays are
 * filled on the first timestamped event, so signatures without times cost nothing.
 */
function addToBucket(
  buckets: Buckets,
  window: WindowName,
  range: TimeRange,
  index: number,
  events = 1,
): void {
  const length = Math.ceil((range.end - range.start) / buckets.bucketMs);
  if (!(index >= 0 && index < length)) {
    buckets.unbucketed[window] += events;
    return;
  }
  if (buckets[window].length === 0) buckets[window] = new Array<number>(length).fill(0);
  buckets[window][index] += events;
}

/** A copy of the buckets, the after window's only as far as `afterMs` into it. */
function bucketsUpTo(buckets: Buckets, afterMs: number): Buckets {
  const afterBuckets = Math.ceil(afterMs / buckets.bucketMs);
  return {
    bucketMs: buckets.bucketMs,
    baseline: [...buckets.baseline],
    after: buckets.after.slice(0, Math.max(0, afterBuckets)),
    unbucketed: { ...buckets.unbucketed },
  };
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
  const mining = startMining(sources, windows, options);
  await mining.read('baseline', windows.baseline);
  await mining.read('after', windows.after);
  return mining.finish();
}

/** Mining that goes on while the after window fills: read a range at a time, look at any time. */
export interface Mining {
  /** Reads the events of `range`, part of `window`, from every source still readable. */
  read(window: WindowName, range: TimeRange): Promise<void>;
  /** The signatures as counted so far; the after window's buckets up to `afterEnd`. */
  snapshot(afterEnd: number): MinedSignatures;
  /** Once every event is in: whether the sources logged anything after the deploy, and all. */
  finish(): Promise<MinedSignatures>;
}

export function startMining(
  sources: LogSource[],
  windows: Windows,
  options: MineOptions = {},
): Mining {
  const minings = sources.map((source) => new SourceMining(source, windows, options));
  const keep = options.examplesPerSignature ?? 3;
  const combine = (results: SourceResult[], afterEnd: number): MinedSignatures => {
    const failures = minings.flatMap((mining) => (mining.failure ? [mining.failure] : []));
    const eventsRead = { baseline: 0, after: 0 };
    for (const result of results) {
      eventsRead.baseline += result.eventsRead.baseline;
      eventsRead.after += result.eventsRead.after;
    }
    const answers = results
      .map((result) => result.loggedAfter)
      .filter((answer) => answer !== undefined);
    const scans = minings.flatMap((mining) => mining.scanned ?? []);
    return {
      signatures: mergeBySignature(results, keep, afterEnd),
      failures,
      sourcesRead: results.map((result) => result.source),
      eventsRead,
      loggedAfter: answers.length > 0 ? answers.some(Boolean) : undefined,
      templateCapReached: results.some((result) => result.capReached),
      truncated: results.flatMap((result) => result.truncated),
      paths: minings.flatMap((mining) => mining.path ?? []),
      ...(scans.length > 0 && { scanned: sumScans(scans) }),
    };
  };
  return {
    async read(window, range) {
      await Promise.all(minings.map((mining) => mining.read(window, range)));
    },
    snapshot(afterEnd) {
      const results = minings.flatMap((mining) => (mining.failure ? [] : [mining.result()]));
      return combine(results, afterEnd);
    },
    async finish() {
      await Promise.all(minings.map((mining) => mining.askLoggedAfter()));
      const results = minings.flatMap((mining) => (mining.failure ? [] : [mining.result()]));
      return combine(results, windows.after.end);
    },
  };
}

function sumScans(scans: ScanStatistics[]): ScanStatistics {
  const total = { queries: 0, bytesScanned: 0, recordsScanned: 0 };
  for (const scan of scans) {
    total.queries += scan.queries;
    total.bytesScanned += scan.bytesScanned;
    total.recordsScanned += scan.recordsScanned;
  }
  return total;
}

interface SourceResult {
  source: string;
  /** Where the source's after window starts, to cut its buckets at a look. */
  afterStart: number;
  tallies: Array<Tally & { text: string }>;
  eventsRead: Record<WindowName, number>;
  loggedAfter?: boolean;
  capReached: boolean;
  truncated: Truncation[];
}

/** One source's miner and counts, fed a range at a time; a failure stops it for good. */
class SourceMining {
  private readonly miner: TemplateMiner;
  private readonly keys = new SignatureKeys();
  private readonly tallies: Tally[] = [];
  private readonly eventsRead = { baseline: 0, after: 0 };
  private readonly truncated: Truncation[] = [];
  private readonly keep: number;
  private readonly bucketMs: number;
  private loggedAfter?: boolean;
  failure?: SourceFailure;
  /** Set at the first read: paged, or counted on the service's side. */
  path?: SourcePath;

  constructor(
    private readonly source: LogSource,
    private readonly windows: Windows,
    private readonly options: MineOptions,
  ) {
    this.miner = new TemplateMiner(options);
    this.keep = options.examplesPerSignature ?? 3;
    this.bucketMs = bucketLength(windows);
  }

  /** What the source's Logs Insights queries scanned, when it has run any. */
  get scanned(): ScanStatistics | undefined {
    const scanned = this.source.counting?.scanned;
    return scanned && scanned.queries > 0 ? { ...scanned } : undefined;
  }

  async read(window: WindowName, range: TimeRange): Promise<void> {
    if (this.failure) return;
    try {
      const counting = this.source.counting;
      if (counting && !this.path) {
        const choice = await counting.choose(this.windows, this.options.signal).catch(rethrowRead);
        this.path = { source: this.source.name, ...choice };
      }
      if (counting && this.path?.path === 'insights') {
        await this.readCounted(window, range);
        return;
      }
      const signal = this.options.signal;
      if (this.source.pages) {
        await readEach(this.source.pages(window, range, signal), (page) => {
          for (const event of page) this.count(window, event);
        });
      } else {
        await readEach(this.source.events(window, range, signal), (event) => {
          this.count(window, event);
        });
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private async readCounted(window: WindowName, range: TimeRange): Promise<void> {
    const counting = this.source.counting!;
    const plan: CountingPlan = { bucketsFrom: this.windows[window].start, bucketMs: this.bucketMs };
    const read = await readCounted(
      counting,
      this.countingMiner(),
      window,
      range,
      plan,
      this.options.signal,
    ).catch(rethrowRead);
    if (read.cut) {
      this.truncated.push({
        source: this.source.name,
        window,
        maxEvents: counting.reads.unmatched,
        unread: read.cut.unread,
      });
    }
  }

  private countingMiner(): CountingMiner {
    return {
      learn: (event) => this.key(event).slot,
      slotTemplate: (slot) => {
        const template = this.keys.template(slot);
        return {
          tokens: template.tokens,
          afterLevel: template.level !== undefined,
          text: this.keys.text(slot),
        };
      },
      count: (window, event) => this.count(window, event),
      describe: (window, event) => this.record(window, event, this.key(event)),
      add: (window, slot, bucket, events) => {
        const tally = this.tallyAt(slot);
        addToBucket(tally.buckets, window, this.windows[window], bucket, events);
        if (window === 'after') tally.after += events;
        else tally.before += events;
        this.eventsRead[window] += events;
      },
    };
  }

  async askLoggedAfter(): Promise<void> {
    if (this.failure) return;
    try {
      this.loggedAfter =
        this.eventsRead.after > 0
          ? true
          : await this.source
              .loggedAnything?.(this.windows.after, this.options.signal)
              .catch((error: unknown) => {
                throw new ReadFailure(error);
              });
    } catch (error) {
      this.fail(error);
    }
  }

  /** The counts as they stand; templates are final only once every event is in. */
  result(): SourceResult {
    return {
      source: this.source.name,
      afterStart: this.windows.after.start,
      tallies: this.tallies.flatMap((tally, slot) =>
        tally ? [{ ...tally, text: this.keys.text(slot) }] : [],
      ),
      eventsRead: { ...this.eventsRead },
      loggedAfter: this.loggedAfter ?? (this.eventsRead.after > 0 ? true : undefined),
      capReached: this.miner.capReached,
      truncated: [...this.truncated],
    };
  }

  private count(window: WindowName, event: LogEvent): void {
    if (event.truncated) {
      this.truncated.push({ source: this.source.name, ...event.truncated });
      return;
    }
    this.eventsRead[window]++;
    const keyed = this.key(event);
    const tally = this.record(window, event, keyed);
    const range = this.windows[window];
    addToBucket(tally.buckets, window, range, bucketOf(tally.buckets, range, event.timestamp));
    if (window === 'after') tally.after++;
    else tally.before++;
  }

  /** Mines an event: its message, template, failure and signature slot. */
  private key(event: LogEvent): Keyed {
    const message = messageOf(event.message);
    const template = addText(this.miner, message);
    const failure = failureOf(message);
    return { message, template, failure, slot: this.keys.slotOf(template, failure) };
  }

  private tallyAt(slot: number): Tally {
    return (this.tallies[slot] ??= {
      level: 'unknown',
      kind: 'error',
      before: 0,
      after: 0,
      afterExamples: [],
      beforeExamples: [],
      buckets: emptyBuckets(this.bucketMs),
    });
  }

  /** What an event tells of its signature besides its count: level, kind, examples, times. */
  private record(window: WindowName, event: LogEvent, keyed: Keyed): Tally {
    const { message, template, failure, slot } = keyed;
    const tally = this.tallyAt(slot);
    tally.level = higherLevel(
      tally.level,
      eventLevel(event.message, message, event.level, template.level, failure !== undefined),
    );
    if (tally.kind === 'error') tally.kind = detectKind(event.message);
    const examples = window === 'after' ? tally.afterExamples : tally.beforeExamples;
    // Detached: a slice of a message read from a file would keep its whole chunk alive.
    if (examples.length < this.keep) {
      examples.push(detach(event.message.slice(0, MAX_EXAMPLE_CHARS)));
    }
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
    if (window === 'after' && event.timestamp !== undefined) {
      tally.firstSeenAfter = Math.min(tally.firstSeenAfter ?? Infinity, event.timestamp);
    }
    return tally;
  }

  private fail(error: unknown): void {
    const message =
      error instanceof ReadFailure
        ? describeError(this.source.name, error.cause)
        : `${this.source.name}: could not mine its events (${errorMessage(error)}); this is a bug in Aftershock, not in the logs or the access to them`;
    this.failure = {
      source: this.source.name,
      kind: error instanceof ReadFailure ? 'read' : 'mine',
      message: redact(message),
    };
  }
}

interface Keyed {
  message: string;
  template: Template;
  failure: ReturnType<typeof failureOf>;
  slot: number;
}

function rethrowRead(error: unknown): never {
  throw new ReadFailure(error);
}

/** A failure of the source itself, told apart from one while mining what it gave. */
class ReadFailure extends Error {
  constructor(override readonly cause: unknown) {
    super(errorMessage(cause));
  }
}

/**
 * Hands each item of a source to `handle`: what the source throws is a ReadFailure, what
 * `handle` throws is not. Iterated by hand, not by a generator around the source's, which would
 * cost a promise more for each item.
 */
async function readEach<T>(items: AsyncIterable<T>, handle: (item: T) => void): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
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
      handle(next.value);
    }
  } finally {
    // The loop stopped early (`handle` threw, or the run was cancelled): let the source clean up.
    if (open) await iterator.return?.();
  }
}

function describeError(source: string, error: unknown): string {
  const message = errorMessage(error);
  return message.includes(source) ? message : `${source}: ${message}`;
}

/**
 * Templates are final only once every event is in, so ids are computed here, from the counts as
 * they stand; the buckets are copies, the after window's cut at `afterEnd`.
 */
function mergeBySignature(results: SourceResult[], keep: number, afterEnd: number): Signature[] {
  const byId = new Map<string, Signature>();
  for (const result of results) {
    for (const tally of result.tallies) {
      const final = tally.text;
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
          buckets: bucketsUpTo(tally.buckets, afterEnd - result.afterStart),
          ...(tally.exampleRef && { exampleRef: { ...tally.exampleRef, source: result.source } }),
        });
        continue;
      }
      if (existing.buckets) {
        mergeBuckets(existing.buckets, bucketsUpTo(tally.buckets, afterEnd - result.afterStart));
      }
      // Merged templates keep the earliest example's place, whichever tally came first.
      if (
        tally.exampleRef &&
        !(existing.exampleRef && existing.exampleRef.timestamp <= tally.exampleRef.timestamp)
      ) {
        existing.exampleRef = { ...tally.exampleRef, source: result.source };
      }
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

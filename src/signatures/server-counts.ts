/**
 * Reading a range with the service doing the counting (Logs Insights). The first events of the
 * range, in time order, are mined as on the paging path; when they are all the range holds,
 * nothing else is needed. Otherwise each template learned so far becomes a regex over the raw
 * line (server-regex.ts), and one query counts, per time bucket, the lines each regex matches
 * while another reads the lines none matched, which are mined and counted as events. Those may
 * teach new templates: then another round, up to MAX_ROUNDS; after the last, the rest of the
 * lines none matched is read page after page, so the counts are exact.
 *
 * A regex only counts lines for its own signature: before it is sent, it is tried on every line
 * mined so far, and one that takes a line of another signature is left out (its lines are read
 * and mined instead). Lines matched on the service never reach the miner, which is why only
 * lines that would join a template unchanged may be counted there: a precise regex holds the
 * template's literal words, and any line that could widen it is read.
 */
import type {
  BucketCounts,
  FirstEvents,
  LogEvent,
  ServerCounting,
  TimeRange,
  WindowName,
} from '../sources/types.js';
import { alternation, bySpecificity, matchedGroup, templateBody } from './server-regex.js';

export const MAX_ROUNDS = 3;
/** What a branch costs in a count query besides its regex: the group and its stats column. */
const BRANCH_OVERHEAD_CHARS = 30;

/** What the reading needs of one source's miner and counts. */
export interface CountingMiner {
  /** Mines an event for its template without counting it; the signature slot it took. */
  learn(event: LogEvent): number;
  /** The slot's template as it stands. */
  slotTemplate(slot: number): SlotTemplate;
  /** Mines and counts one event, as on the paging path. */
  count(window: WindowName, event: LogEvent): void;
  /** What an event counted on the service tells besides its count: example, level, first time. */
  describe(window: WindowName, event: LogEvent, slot: number): void;
  /** Adds events counted on the service to a slot, in one bucket of the window. */
  add(window: WindowName, slot: number, bucket: number, events: number): void;
}

export interface SlotTemplate {
  /** Shared by merged templates: the same array means the same final text. */
  tokens: readonly string[];
  afterLevel: boolean;
  text: string;
}

export interface CountingPlan {
  /** Where the window's buckets start, and their length. */
  bucketsFrom: number;
  bucketMs: number;
}

export interface CountedRead {
  /** Set when lines no regex matched were left unread: how many. */
  cut?: { unread: number };
}

interface Learned {
  event: LogEvent;
  slot: number;
}

/** A template's regex in an alternation: its named group `s<index>`, the index its slot. */
interface Branch {
  index: number;
  body: string;
  afterLevel: boolean;
}

const groupOf = (branch: Branch) => `s${branch.index}`;

export async function readCounted(
  counting: ServerCounting,
  miner: CountingMiner,
  window: WindowName,
  range: TimeRange,
  plan: CountingPlan,
  signal?: AbortSignal,
): Promise<CountedRead> {
  const first = await counting.firstEvents(window, range, { limit: counting.reads.first }, signal);
  if (first.complete) {
    for (const event of first.events) miner.count(window, event);
    return {};
  }
  const learned: Learned[] = first.events.map((event) => ({ event, slot: miner.learn(event) }));
  let previous: string | undefined;
  for (let round = 1; ; round++) {
    const branches = preciseBranches(learned, miner, counting);
    const pattern = branches.length > 0 ? alternation(branches) : undefined;
    // The events learned last round taught no new regex: another round would only repeat it.
    const last = round === MAX_ROUNDS || pattern === previous;
    previous = pattern;
    // When one of the two queries fails, the other is stopped, and waited for: it would scan,
    // and bill, for nothing, and the run may end before its StopQuery is sent.
    const sibling = new AbortController();
    const both = signal ? AbortSignal.any([signal, sibling.signal]) : sibling.signal;
    const countQuery = pattern
      ? counting.countMatches(
          window,
          range,
          { pattern, groups: branches.map(groupOf), ...plan },
          both,
        )
      : Promise.resolve<BucketCounts[]>([]);
    const reading = counting.firstEvents(
      window,
      range,
      { limit: counting.reads.unmatched, except: pattern },
      both,
    );
    let counts: BucketCounts[];
    let unmatched: FirstEvents;
    try {
      [counts, unmatched] = await Promise.all([countQuery, reading]);
    } catch (error) {
      sibling.abort(error);
      await Promise.allSettled([countQuery, reading]);
      throw error;
    }
    if (!unmatched.complete && !last) {
      for (const event of unmatched.events) learned.push({ event, slot: miner.learn(event) });
      continue;
    }
    const regex = pattern ? new RegExp(pattern) : undefined;
    for (const { event, slot } of learned) {
      const text = counting.textOf(event.message);
      if (regex && text !== undefined && matchedGroup(regex, text) !== undefined) {
        miner.describe(window, event, slot);
      }
    }
    const slotOf = new Map(branches.map((branch) => [groupOf(branch), branch.index]));
    for (const row of counts) {
      for (const [group, events] of Object.entries(row.matched)) {
        const slot = slotOf.get(group);
        if (slot !== undefined && events > 0) miner.add(window, slot, row.bucket, events);
      }
    }
    for (const event of unmatched.events) miner.count(window, event);
    if (unmatched.complete) return {};
    const cut = await readTheRest(counting, miner, window, range, unmatched, pattern, signal);
    return cut ? { cut } : {};
  }
}

/**
 * The events no regex matched past those read, page after page from the last one's time, each
 * mined and counted: counts are exact however many there are. Events of the last millisecond
 * of a page come again at the start of the next and are skipped. Only when one millisecond
 * holds more events than a page can nothing more be read: then the cut is returned.
 */
async function readTheRest(
  counting: ServerCounting,
  miner: CountingMiner,
  window: WindowName,
  range: TimeRange,
  read: FirstEvents,
  except: string | undefined,
  signal?: AbortSignal,
): Promise<{ unread: number } | undefined> {
  // The events read so far at the latest millisecond, by stream and message.
  let lastMs: number | undefined;
  let seen = new Map<string, number>();
  let { events, complete, matched } = read;
  while (!complete) {
    const pageLast = events.at(-1)?.timestamp;
    if (pageLast === undefined) return { unread: Math.max(1, matched) };
    if (pageLast !== lastMs) {
      lastMs = pageLast;
      seen = new Map<string, number>();
    }
    for (const event of events) {
      if (event.timestamp === lastMs) seen.set(keyOf(event), (seen.get(keyOf(event)) ?? 0) + 1);
    }
    const next = await counting.firstEvents(
      window,
      { start: lastMs, end: range.end },
      { limit: counting.reads.unmatched, except },
      signal,
    );
    const skip = new Map(seen);
    const fresh = next.events.filter((event) => {
      const left = event.timestamp === lastMs ? (skip.get(keyOf(event)) ?? 0) : 0;
      if (left > 0) skip.set(keyOf(event), left - 1);
      return left === 0;
    });
    if (fresh.length === 0 && !next.complete) {
      return { unread: Math.max(1, next.matched - next.events.length) };
    }
    for (const event of fresh) miner.count(window, event);
    ({ complete, matched } = next);
    events = fresh;
  }
  return undefined;
}

function keyOf(event: LogEvent): string {
  return `${event.logStream ?? ''}\n${event.message}`;
}

/**
 * A regex per signature learned so far, the most frequent first within the query's budget, in
 * the order of an alternation (most literal first), without any that takes a mined line of
 * another signature.
 */
function preciseBranches(
  learned: Learned[],
  miner: CountingMiner,
  counting: ServerCounting,
): Branch[] {
  const budget = counting.patternBudget;
  const texts = learned.map(({ event }) => counting.textOf(event.message));
  const lines = new Map<number, number>();
  learned.forEach(({ slot }, i) => {
    if (texts[i] !== undefined) lines.set(slot, (lines.get(slot) ?? 0) + 1);
  });
  const templates = new Map([...lines.keys()].map((slot) => [slot, miner.slotTemplate(slot)]));
  const candidates: Branch[] = [];
  const bodies = new Set<string>();
  let used = 0;
  for (const [slot] of [...lines].sort((a, b) => b[1] - a[1] || a[0] - b[0])) {
    const template = templates.get(slot)!;
    const body = templateBody(template.tokens, template.afterLevel);
    if (body === undefined || bodies.has(body)) continue;
    const cost = body.length + BRANCH_OVERHEAD_CHARS;
    if (used + cost > budget) continue;
    used += cost;
    bodies.add(body);
    candidates.push({ index: slot, body, afterLevel: template.afterLevel });
  }
  candidates.sort(
    (a, b) =>
      bySpecificity(templates.get(a.index)!.tokens, templates.get(b.index)!.tokens) ||
      a.index - b.index,
  );
  // A branch that takes a line of another signature goes; that may move the line to the next.
  let branches = candidates;
  for (;;) {
    if (branches.length === 0) return branches;
    const regex = new RegExp(alternation(branches));
    const wrong = new Set<number>();
    for (const [i, { slot }] of learned.entries()) {
      const text = texts[i];
      if (text === undefined) continue;
      const index = matchedGroup(regex, text);
      if (index === undefined || index === slot) continue;
      if (!sameSignature(templates.get(index)!, templates.get(slot) ?? miner.slotTemplate(slot))) {
        wrong.add(index);
      }
    }
    if (wrong.size === 0) return branches;
    branches = branches.filter((branch) => !wrong.has(branch.index));
  }
}

function sameSignature(a: SlotTemplate, b: SlotTemplate): boolean {
  return a.tokens === b.tokens && a.text === b.text;
}

import { isErrorCode, isErrorName } from './failure.js';
import { hashText } from './mask.js';

export interface MinerOptions {
  /**
   * Share of a line's positions that must hold the same literal token as a template for the
   * line to join it (0..1); positions where the template has a wildcard do not count. Default 0.6.
   */
  similarity?: number;
  /**
   * How many different plain words a position must have shown, in templates that differ only in
   * such words, before the words are taken for a variable (user names, hosts) and the templates
   * merge. Fewer stay apart: `Started`/`Stopped` are two events. Words in capitals never merge:
   * they name states and codes (`RUNNING`, `ETIMEDOUT`). Default 5.
   */
  wordVariants?: number;
  /** Most templates kept; past it, lines that fit no template go to one overflow template. */
  maxTemplates?: number;
  /**
   * Most distinct masked lines remembered for the exact-match shortcuts; 0 turns them off.
   * Default 100,000.
   */
  maxCachedLines?: number;
}

/** A group of lines that share one template; `tokens` widens to `<*>` where lines differ. */
export interface Template {
  readonly index: number;
  /** Templates merged into one share this array, so they end with the same text and id. */
  tokens: string[];
  size: number;
  /** The level word of the header of the line that started the template, if it had one. */
  readonly level?: string;
}

/** A line's tokens, without its header, and the header's level word. */
export interface Tokenized {
  tokens: string[];
  level?: string;
}

/** A masked line as a cache may know it: by its hash, then by its text, compared unbuilt. */
export interface MaskedLine {
  readonly hash: number;
  /** Whether this line's masked text is `text`. */
  matches(text: string): boolean;
  /** The masked text, sharing no characters with the raw line. */
  text(): string;
}

interface Seen {
  hash: number;
  text: string;
  template: Node;
  /** Another line of the same slot. */
  next?: Seen;
}

/**
 * Characters of masked lines each cache holds at most, besides their count: long lines fill it
 * sooner, so memory stays bounded by bytes however long the lines are.
 */
const MAX_CACHED_CHARS = 16 * 1024 * 1024;

/** Lines of one slot kept at most; more would only be a slower lookup. */
const MAX_SEEN_PER_SLOT = 8;

/**
 * Slots of the table of lines seen, by their hash (at most the lines cached): reading an array
 * is cheaper than a map's lookup, which every line pays.
 */
const MAX_SEEN_SLOTS = 1 << 16;

export const WILDCARD = '<*>';
export const OVERFLOW_TEMPLATE = '<rare templates merged: template cap reached>';

interface Family {
  members: Node[];
  /** The distinct words seen at each position where the members differ. */
  words: Map<number, Set<string>>;
}

interface Node extends Template {
  /** Templates that differ from this one only in plain words; shared by the whole family. */
  family: Family;
  /** Set once merged into another template: lines that matched this one go there. */
  mergedInto?: Node;
}

/**
 * A Drain-class online miner. Lines are grouped by token count; within a group a line joins the
 * template that holds the same literal token at the most positions, when at least `similarity`
 * of them do, and the template widens to `<*>` where they differ.
 *
 * Unlike Drain, the leading tokens do not pick a branch (a variable there would fork a group),
 * and a position where the template and the line hold two different plain words is not widened
 * at once: the line starts a sibling template, and siblings merge only once every position where
 * they differ has shown `wordVariants` different words, none in capitals, which tells a variable
 * from a handful of different events; siblings that also differ elsewhere stay apart, so the
 * groups do not depend on the order lines arrive in. Merged templates share one token array, so
 * their final text (and id) is the same whichever of them a line joined.
 */
export class TemplateMiner {
  readonly templates: Template[] = [];
  private readonly byLength = new Map<number, LengthGroup>();
  private readonly seen: Array<Seen | undefined>;
  private readonly seenMask: number;
  private seenCount = 0;
  /**
   * Where a line's tokens were placed, and the version of their length group then. Placing is a
   * function of the tokens and the group alone, so while the group is unchanged the same tokens
   * go to the same template: new masked lines of a known template (the same message behind other
   * headers) skip the search.
   */
  private readonly placed = new Map<string, { version: number; template: Node }>();
  private seenChars = 0;
  private placedChars = 0;
  private readonly similarity: number;
  private readonly wordVariants: number;
  private readonly maxTemplates: number;
  private readonly maxCachedLines: number;
  private overflow: Node | undefined;

  constructor(options: MinerOptions = {}) {
    this.similarity = options.similarity ?? 0.6;
    this.wordVariants = options.wordVariants ?? 5;
    this.maxTemplates = options.maxTemplates ?? 5000;
    this.maxCachedLines = options.maxCachedLines ?? 100_000;
    const slots = Math.min(MAX_SEEN_SLOTS, 2 ** Math.ceil(Math.log2(this.maxCachedLines + 1)));
    this.seen = new Array<Seen | undefined>(slots).fill(undefined);
    this.seenMask = slots - 1;
  }

  get capReached(): boolean {
    return this.overflow !== undefined;
  }

  /** Adds one masked, tokenised line and returns the template it joined. */
  add(tokens: string[]): Template {
    const text = tokens.join(' ');
    const line: MaskedLine = {
      hash: hashText(text),
      matches: (other) => other === text,
      text: () => text,
    };
    return this.addMasked(line, () => ({ tokens }));
  }

  /**
   * Adds a masked line: a line seen before goes to the template it joined then, without being
   * tokenised or matched again. A miner is fed through one of `add` and `addMasked`, not both,
   * as their texts are not comparable.
   */
  addMasked(line: MaskedLine, tokenize: (masked: string) => Tokenized): Template {
    const hash = line.hash;
    const slot = hash & this.seenMask;
    const first = this.seen[slot];
    for (let seen = first; seen; seen = seen.next) {
      if (seen.hash === hash && line.matches(seen.text)) return this.count(seen.template);
    }
    const text = line.text();
    const template = this.place(tokenize(text));
    if (template !== this.overflow) this.remember(slot, { hash, text, template, next: first });
    return template;
  }

  private count(template: Node): Node {
    const current = live(template);
    current.size++;
    return current;
  }

  private remember(slot: number, seen: Seen): void {
    if (this.maxCachedLines === 0) return;
    const chars = seen.text.length;
    this.seenChars += chars;
    if (this.seenCount >= this.maxCachedLines || this.seenChars > MAX_CACHED_CHARS) {
      this.seen.fill(undefined);
      this.seenCount = 0;
      this.seenChars = chars;
      seen.next = undefined;
    }
    let last = seen;
    for (let kept = 1; last.next && kept < MAX_SEEN_PER_SLOT; kept++) last = last.next;
    this.seenCount -= countFrom(last.next);
    last.next = undefined;
    this.seen[slot] = seen;
    this.seenCount++;
  }

  private place({ tokens, level }: Tokenized): Node {
    let group = this.byLength.get(tokens.length);
    if (!group) this.byLength.set(tokens.length, (group = new LengthGroup(tokens.length)));
    // Tokens may hold spaces (`[main thread]`), never a line break.
    const key = tokens.join('\n');
    const placed = this.placed.get(key);
    if (placed !== undefined && placed.version === group.version) {
      placed.template.size++;
      return placed.template;
    }
    const version = group.version;
    const template = this.search(tokens, level, group);
    if (group.version === version && this.maxCachedLines > 0) {
      this.placedChars += key.length;
      if (this.placed.size >= this.maxCachedLines || this.placedChars > MAX_CACHED_CHARS) {
        this.placed.clear();
        this.placedChars = key.length;
      }
      this.placed.set(key, { version, template });
    }
    return template;
  }

  private search(tokens: string[], level: string | undefined, group: LengthGroup): Node {
    let best: Node | undefined;
    let bestScore = -1;
    let sibling: Node | undefined;
    let siblingScore = -1;
    const allowed = tokens.length - minimumSame(tokens.length, this.similarity);
    for (const template of group.candidates(tokens, this.similarity)) {
      const score = agreement(template.tokens, tokens, allowed);
      if (score < this.similarity) continue;
      if (namesAnotherError(template.tokens, tokens)) continue;
      if (differsInWords(template.tokens, tokens)) {
        if (score > siblingScore) [sibling, siblingScore] = [template, score];
      } else if (score > bestScore) [best, bestScore] = [template, score];
    }
    if (best) {
      group.widen(best, tokens);
      best.size++;
      return best;
    }
    if (this.templates.length >= this.maxTemplates) return this.addToOverflow();
    const template: Node = {
      index: this.templates.length,
      tokens: [...tokens],
      size: 1,
      family: { members: [], words: new Map() },
      ...(level !== undefined && { level }),
    };
    this.templates.push(template);
    group.add(template);
    if (sibling) {
      const family = (template.family = sibling.family);
      if (family.members.length === 0) family.members.push(sibling);
      family.members.push(template);
      const head = family.members[0].tokens;
      for (let i = 0; i < tokens.length; i++) {
        if (head[i] === tokens[i] || head[i] === WILDCARD) continue;
        const words = family.words.get(i) ?? new Set([head[i]]);
        if (words.size < this.wordVariants) words.add(tokens[i]);
        family.words.set(i, words);
      }
      this.mergeFamily(family, group);
    }
    return live(template);
  }

  /**
   * Positions that have shown `wordVariants` different words hold a variable. Members that differ
   * only there merge: the first absorbs the others, and all share one token array and so one
   * final text. Members that differ at another position stay apart (`Accepted`/`Failed`).
   */
  private mergeFamily(family: Family, group: LengthGroup): void {
    const fixed = [...family.words]
      .filter(([, words]) => words.size < this.wordVariants)
      .map(([position]) => position);
    if (fixed.length === family.words.size) return;
    const byFixedWords = new Map<string, Node[]>();
    for (const member of family.members) {
      // Tokens may hold spaces (`[main thread]`), never a line break.
      const key = fixed.map((position) => member.tokens[position]).join('\n');
      const same = byFixedWords.get(key);
      if (same) same.push(member);
      else byFixedWords.set(key, [member]);
    }
    family.members = [];
    for (const members of byFixedWords.values()) {
      // Capitals name states and codes (RUNNING, ETIMEDOUT): events, not values of a variable.
      const varying = differingPositions(members);
      const named = members.filter((member) =>
        varying.some((position) => isName(member.tokens[position])),
      );
      const others = members.filter((member) => !named.includes(member));
      family.members.push(...named);
      if (!this.variesEnough(others)) {
        family.members.push(...others);
        continue;
      }
      const [head, ...rest] = others;
      for (const member of rest) this.merge(member, head, group);
      // Where the other words made a variable, a word in capitals is one of its values too.
      for (const member of named) {
        if (
          member.tokens.every((token, i) => token === head.tokens[i] || head.tokens[i] === WILDCARD)
        ) {
          this.merge(member, head, group);
          family.members.splice(family.members.indexOf(member), 1);
        }
      }
      family.members.push(head);
    }
    if (family.members.length === 1) family.words.clear();
  }

  /** `member` joins `head`: both share one token array from then on. */
  private merge(member: Node, head: Node, group: LengthGroup): void {
    group.remove(member);
    group.widen(head, member.tokens);
    member.tokens = head.tokens;
    member.mergedInto = head;
  }

  /** Whether every position where these templates differ has shown `wordVariants` words. */
  private variesEnough(members: Node[]): boolean {
    if (members.length < 2) return false;
    return differingPositions(members).every(
      (position) =>
        new Set(members.map((member) => member.tokens[position])).size >= this.wordVariants,
    );
  }

  private addToOverflow(): Node {
    this.overflow ??= {
      index: this.templates.length,
      tokens: [OVERFLOW_TEMPLATE],
      size: 0,
      family: { members: [], words: new Map() },
    };
    if (this.templates[this.overflow.index] !== this.overflow) this.templates.push(this.overflow);
    this.overflow.size++;
    return this.overflow;
  }
}

function countFrom(seen: Seen | undefined): number {
  let count = 0;
  for (let other = seen; other; other = other.next) count++;
  return count;
}

function live(template: Node): Node {
  let current = template;
  while (current.mergedInto) current = current.mergedInto;
  return current;
}

/**
 * Share of positions where the template holds the line's token literally, or -1 once more than
 * `allowed` positions differ: the share can then no longer reach the similarity.
 */
function agreement(template: string[], tokens: string[], allowed: number): number {
  if (tokens.length === 0) return 1;
  let differ = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (template[i] !== tokens[i] && ++differ > allowed) return -1;
  }
  return (tokens.length - differ) / tokens.length;
}

/** The fewest positions of `n` that must agree for a share of at least `similarity`. */
function minimumSame(n: number, similarity: number): number {
  let minSame = Math.ceil(similarity * n);
  while (minSame > 0 && (minSame - 1) / n >= similarity) minSame--;
  while (minSame / n < similarity) minSame++;
  return minSame;
}

/** A word, possibly quoted or followed by punctuation: `Started`, `"GET`, `spawned.` */
const WORD = /^[^\w<]?[A-Za-z](?:[A-Za-z_-]*[A-Za-z]\d?)?[^\w>]?$/;

/** A word in capitals, possibly quoted or followed by punctuation: `RUNNING`, `"GET`, `FAILED.` */
const CONSTANT = /^[^\w<]?[A-Z][A-Z\d_]*[A-Z\d][^\w>]?$/;

/**
 * Words that name an event, never a value of a variable: capitals (states and codes such as
 * `RUNNING`, `ETIMEDOUT`), level words and error names.
 */
function isName(token: string): boolean {
  return (
    (CONSTANT.test(token) && !isErrorCode(token)) || LEVEL_WORD.test(token) || isErrorName(token)
  );
}

const LEVEL_WORD =
  /^[[<(]?(?:trace|debug|info|notice|warn|warning|error|err|severe|critical|crit|fatal)[\]>):,]?$/i;

/** A logfmt level field: `level=error`, `lvl=warn`, `severity=INFO`. */
const LEVEL_FIELD = /^(?:level|lvl|severity)=/i;

/**
 * Whether the line and the template name two different errors, or two levels of a logfmt
 * header, at one position: they are never one template.
 */
function namesAnotherError(template: string[], tokens: string[]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const a = template[i];
    const b = tokens[i];
    if (a === b) continue;
    if (isErrorName(a) || isErrorName(b) || LEVEL_FIELD.test(a) || LEVEL_FIELD.test(b)) {
      return true;
    }
  }
  return false;
}

/** Positions where the tokens of these templates are not all the same. */
function differingPositions(members: Node[]): number[] {
  const head = members[0]?.tokens ?? [];
  const positions: number[] = [];
  for (let i = 0; i < head.length; i++) {
    if (members.some((member) => member.tokens[i] !== head[i])) positions.push(i);
  }
  return positions;
}

/** A plain word, or an error code, which stays literal until it has taken many values. */
function isWord(token: string): boolean {
  return WORD.test(token) || isErrorCode(token);
}

/** Whether the line may be another event than the template: two different plain words. */
function differsInWords(template: string[], tokens: string[]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const a = template[i];
    if (a !== tokens[i] && a !== WILDCARD && isWord(a) && isWord(tokens[i])) return true;
  }
  return false;
}

/**
 * The templates of one token count, in the order they were made, and an index of which template
 * holds which token at each position. A line can only join a template that holds its token at
 * `similarity` of the positions; so among any `n - minSame + 1` of its positions one agrees, and
 * the templates listed under its rarest tokens are all the candidates: the same ones a scan of
 * every template would find, found without the scan.
 */
const NONE: ReadonlySet<Node> = new Set();

export class LengthGroup {
  private readonly members = new Set<Node>();
  private readonly postings: Array<Map<string, Set<Node>>>;
  /** Changes whenever a template is added, removed or widened. */
  version = 0;

  constructor(readonly length: number) {
    this.postings = Array.from({ length }, () => new Map<string, Set<Node>>());
  }

  add(template: Node): void {
    this.version++;
    this.members.add(template);
    template.tokens.forEach((token, i) => this.post(i, token, template));
  }

  remove(template: Node): void {
    this.version++;
    this.members.delete(template);
    template.tokens.forEach((token, i) => this.unpost(i, token, template));
  }

  /** Widens a template to `<*>` where the line differs, and its entries with it. */
  widen(template: Node, tokens: string[]): void {
    const own = template.tokens;
    for (let i = 0; i < tokens.length; i++) {
      if (own[i] === tokens[i] || own[i] === WILDCARD) continue;
      this.version++;
      this.unpost(i, own[i], template);
      own[i] = WILDCARD;
      this.post(i, WILDCARD, template);
    }
  }

  /** The templates that may hold `similarity` of the line's tokens, oldest first. */
  candidates(tokens: string[], similarity: number): Iterable<Node> {
    const n = tokens.length;
    const needed = n - minimumSame(n, similarity) + 1;
    if (n === 0 || needed > n) return this.members;
    // Never undefined: sort() puts undefined last without asking the comparison.
    const lists = tokens.map((token, i) => this.postings[i].get(token) ?? NONE);
    lists.sort((a, b) => a.size - b.size);
    let total = 0;
    for (let i = 0; i < needed; i++) total += lists[i].size;
    if (total >= this.members.size) return this.members;
    const found = new Set<Node>();
    for (let i = 0; i < needed; i++) for (const template of lists[i]) found.add(template);
    // In the order a scan would meet them: ties go to the oldest template, as they always did.
    return [...found].sort((a, b) => a.index - b.index);
  }

  private post(position: number, token: string, template: Node): void {
    const map = this.postings[position];
    const list = map.get(token);
    if (list) list.add(template);
    else map.set(token, new Set([template]));
  }

  private unpost(position: number, token: string, template: Node): void {
    const map = this.postings[position];
    const list = map.get(token);
    if (!list) return;
    list.delete(template);
    if (list.size === 0) map.delete(token);
  }
}

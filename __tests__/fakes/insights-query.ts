/**
 * A small CloudWatch Logs Insights engine for the fake in `cloudwatch.ts`: a tokenizer, a
 * recursive-descent parser producing a plain AST (`parseQuery`), and a streaming evaluator
 * (`runQuery`). Pure: no HTTP, no clock.
 *
 * Commands (separated by `|`, keywords case-insensitive):
 * - `filter <expr>`
 * - `fields <expr> [as name], ...` (also `display`): computes fields and names the displayed ones
 * - `parse <field> /regex/[i]`: named capture groups become fields (absent when not matched)
 * - `stats <agg> [as name], ... [by <expr> [as name], ...]` with `count(*)`, `count()`,
 *   `count(expr)`, `sum`, `avg`, `min`, `max`
 * - `sort <field> [asc|desc], ...` and `limit N`
 *
 * Expressions: fields (`@message`, `@timestamp`, `@logStream`, `@log`, `@ingestionTime`, `@ptr`,
 * computed and parsed ones, `` `quoted names` ``), numbers, strings, regex literals, `and or not`,
 * `= != < <= > >=`, `+ - * /`, `like` / `not like` (string: substring; regex), `=~`, and the
 * functions `ispresent strlen floor ceil abs tomillis tolower toupper bin coalesce`.
 *
 * Fields of JSON events are discovered as the service discovers them: a JSON object's keys,
 * nested ones joined with dots (`error.message`); strings, numbers and booleans, not null.
 *
 * Events are read once, in timestamp order, and never collected: memory is bounded by the stats
 * groups and by the rows the query keeps (at most its limit; a `sort` followed only by `fields`
 * and `limit` keeps a bounded top-N buffer).
 */
/** An event as the engine sees it (a fake event, and its group for `@log`). */
export interface QueryEvent {
  timestamp: number;
  message: string;
  /** Default `stream-1`. */
  logStream?: string;
  logGroup?: string;
}

export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'regex'; regex: RegExp }
  | { kind: 'duration'; ms: number }
  | { kind: 'star' }
  | { kind: 'field'; name: string }
  | { kind: 'unary'; op: 'not' | '-'; operand: Expr }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr }
  | { kind: 'call'; name: string; args: Expr[] };

export type BinaryOp =
  | 'and'
  | 'or'
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '+'
  | '-'
  | '*'
  | '/'
  | 'like'
  | 'not like'
  | '=~';

export interface NamedExpr {
  expr: Expr;
  name: string;
}

export interface SortKey {
  field: string;
  order: 'asc' | 'desc';
}

export type Command =
  | { kind: 'filter'; expr: Expr }
  | { kind: 'fields'; items: NamedExpr[] }
  | { kind: 'parse'; source: Expr; regex: RegExp; names: string[] }
  | { kind: 'stats'; aggregates: NamedExpr[]; by: NamedExpr[] }
  | { kind: 'sort'; keys: SortKey[] }
  | { kind: 'limit'; count: number };

export interface Query {
  commands: Command[];
}

export interface ResultField {
  field: string;
  value: string;
}

export interface QueryStatistics {
  recordsMatched: number;
  recordsScanned: number;
  bytesScanned: number;
}

export interface QueryResult {
  rows: ResultField[][];
  statistics: QueryStatistics;
}

export interface QueryRange {
  /** Inclusive. */
  startMs: number;
  /** Inclusive. */
  endMs: number;
}

export interface RunOptions {
  /** Replaces the query's own `limit` commands (as StartQuery's `limit` does). */
  limit?: number;
}

export const MAX_ROWS = 10_000;
/** Stand-in for the metadata bytes the service counts per scanned event. */
const METADATA_BYTES = 30;

// ---------------------------------------------------------------------------------------------
// Tokenizer

type TokenKind = 'ident' | 'number' | 'duration' | 'string' | 'regex' | 'op' | 'end';

interface Token {
  kind: TokenKind;
  /** The source text of the token. */
  text: string;
  start: number;
  end: number;
  /** ident and string: the value; op: the operator. */
  str: string;
  /** number: the value; duration: milliseconds. */
  num: number;
  regex?: RegExp;
  /** A backtick-quoted field name (never a keyword). */
  quoted?: boolean;
}

const OPERATORS = ['!=', '<=', '>=', '=~', '=', '<', '>', '+', '-', '*', '/', '(', ')', ',', '|'];
const KEYWORDS = new Set(
  ['and', 'or', 'not', 'like', 'as', 'by', 'asc', 'desc'].concat([
    'filter',
    'fields',
    'display',
    'parse',
    'stats',
    'sort',
    'limit',
  ]),
);
/** Words that can never start an operand. */
const RESERVED = new Set(['and', 'or', 'not', 'like', 'as', 'by', 'asc', 'desc']);
const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  d: 86_400_000,
};

class QuerySyntaxError extends Error {
  constructor(message: string, position: number) {
    super(`${message} (at character ${position + 1})`);
    this.name = 'QuerySyntaxError';
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, extra: Partial<Token> = {}) => {
    tokens.push({ kind, text: text.slice(start, end), start, end, str: '', num: 0, ...extra });
    i = end;
  };
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"' || ch === "'") {
      const { value, end } = readString(text, i);
      push('string', i, end, { str: value });
    } else if (ch === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) throw new QuerySyntaxError('Unterminated quoted field name', i);
      push('ident', i, end + 1, { str: text.slice(i + 1, end), quoted: true });
    } else if (ch === '/' && regexAllowed(tokens)) {
      const { regex, end } = readRegex(text, i);
      push('regex', i, end, { regex });
    } else if (/\d/.test(ch)) {
      readNumber(text, i, push);
    } else if (/[@A-Za-z_]/.test(ch)) {
      const match = /[@A-Za-z_][\w.@]*/y;
      match.lastIndex = i;
      const word = match.exec(text)![0];
      push('ident', i, i + word.length, { str: word });
    } else {
      const op = OPERATORS.find((candidate) => text.startsWith(candidate, i));
      if (!op) throw new QuerySyntaxError(`Unexpected character '${ch}'`, i);
      push('op', i, i + op.length, { str: op });
    }
  }
  push('end', text.length, text.length);
  return tokens;
}

function readString(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r' };
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === quote) return { value, end: i + 1 };
    if (ch === '\\' && i + 1 < text.length) {
      i++;
      value += escapes[text[i]] ?? text[i];
    } else {
      value += ch;
    }
  }
  throw new QuerySyntaxError('Unterminated string', start);
}

function readRegex(text: string, start: number): { regex: RegExp; end: number } {
  let inClass = false;
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    else if (ch === '/' && !inClass) {
      const flagPattern = /[A-Za-z]*/y;
      flagPattern.lastIndex = i + 1;
      const flags = flagPattern.exec(text)![0];
      if (flags !== '' && flags !== 'i')
        throw new QuerySyntaxError(`Unsupported regex flags '${flags}' (only 'i')`, i + 1);
      const source = text.slice(start + 1, i);
      try {
        return { regex: new RegExp(source, flags), end: i + 1 + flags.length };
      } catch (error) {
        throw new QuerySyntaxError(`Invalid regex /${source}/: ${(error as Error).message}`, start);
      }
    }
  }
  throw new QuerySyntaxError('Unterminated regex', start);
}

function readNumber(
  text: string,
  start: number,
  push: (kind: TokenKind, start: number, end: number, extra: Partial<Token>) => void,
): void {
  const pattern = /(\d+(?:\.\d+)?)([A-Za-z]*)/y;
  pattern.lastIndex = start;
  const [whole, digits, unit] = pattern.exec(text)!;
  const end = start + whole.length;
  if (!unit) return push('number', start, end, { num: Number(digits) });
  const factor = DURATION_UNITS[unit.toLowerCase()];
  if (factor === undefined) throw new QuerySyntaxError(`Unexpected '${whole}'`, start);
  push('duration', start, end, { num: Number(digits) * factor });
}

/** A `/` starts a regex unless it follows an operand (then it divides). */
function regexAllowed(tokens: readonly Token[]): boolean {
  const previous = tokens.at(-1);
  if (!previous) return true;
  if (previous.kind === 'op') return previous.str !== ')';
  if (previous.kind !== 'ident') return false;
  if (!previous.quoted && KEYWORDS.has(previous.str.toLowerCase())) return true;
  const beforeThat = tokens.at(-2);
  return (
    beforeThat?.kind === 'ident' && !beforeThat.quoted && beforeThat.str.toLowerCase() === 'parse'
  );
}

// ---------------------------------------------------------------------------------------------
// Parser

const FUNCTIONS: Record<string, number> = {
  ispresent: 1,
  strlen: 1,
  floor: 1,
  ceil: 1,
  abs: 1,
  tomillis: 1,
  tolower: 1,
  toupper: 1,
  bin: 1,
  /** Any number of arguments, at least one. */
  coalesce: -1,
};
const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max']);
const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=', '=~']);

/** Parses a Logs Insights query; throws an Error naming the problem on anything unsupported. */
export function parseQuery(text: string): Query {
  if (!text.trim()) throw new Error('The query is empty');
  return new Parser(text, tokenize(text)).query();
}

class Parser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  query(): Query {
    const commands = [this.command()];
    while (this.isOp('|')) {
      this.next();
      commands.push(this.command());
    }
    if (this.peek().kind !== 'end') this.fail(`Unexpected '${this.peek().text}'`);
    return { commands };
  }

  private command(): Command {
    const token = this.next();
    const word = token.kind === 'ident' && !token.quoted ? token.str.toLowerCase() : '';
    switch (word) {
      case 'filter':
        return { kind: 'filter', expr: this.expression() };
      case 'fields':
      case 'display':
        return { kind: 'fields', items: this.namedList(false) };
      case 'parse':
        return this.parseCommand();
      case 'stats':
        return this.statsCommand();
      case 'sort':
        return { kind: 'sort', keys: this.list(() => this.sortKey()) };
      case 'limit':
        return this.limitCommand();
      default:
        return this.fail(
          token.kind === 'end' ? 'Expected a command' : `Unknown command '${token.text}'`,
          token,
        );
    }
  }

  private parseCommand(): Command {
    const source = this.peek();
    if (source.kind !== 'ident') this.fail('parse needs a field, e.g. parse @message /(?<x>.*)/');
    this.next();
    const pattern = this.next();
    if (pattern.kind === 'string')
      this.fail('parse with a glob pattern is not supported; use a regex literal', pattern);
    if (pattern.kind !== 'regex' || !pattern.regex)
      this.fail('parse needs a regex literal such as /(?<name>\\w+)/', pattern);
    const names = captureNames(pattern.regex);
    if (!names.length) this.fail('The parse regex has no named capture groups', pattern);
    return {
      kind: 'parse',
      source: { kind: 'field', name: source.str },
      regex: pattern.regex,
      names,
    };
  }

  private statsCommand(): Command {
    const aggregates = this.namedList(true);
    const by = this.isKeyword('by') ? (this.next(), this.namedList(false)) : [];
    return { kind: 'stats', aggregates, by };
  }

  private limitCommand(): Command {
    const token = this.next();
    if (token.kind !== 'number' || !Number.isInteger(token.num) || token.num < 1)
      this.fail('limit needs a positive integer', token);
    if (token.num > MAX_ROWS) this.fail(`limit must be at most ${MAX_ROWS}`, token);
    return { kind: 'limit', count: token.num };
  }

  /** A field name (the source text up to `asc`, `desc`, `,` or `|`, so `count(*)` works). */
  private sortKey(): SortKey {
    const first = this.peek();
    while (
      this.peek().kind !== 'end' &&
      !this.isOp(',') &&
      !this.isOp('|') &&
      !this.isKeyword('asc') &&
      !this.isKeyword('desc')
    )
      this.next();
    if (this.pos === this.tokens.indexOf(first)) this.fail('sort needs a field', first);
    const field = first.quoted && this.previous() === first ? first.str : this.sourceFrom(first);
    const order = this.isKeyword('desc') ? 'desc' : 'asc';
    if (this.isKeyword('asc') || this.isKeyword('desc')) this.next();
    return { field, order };
  }

  private namedList(aggregates: boolean): NamedExpr[] {
    return this.list(() => {
      const first = this.peek();
      const expr = this.expression();
      if (aggregates) this.checkAggregate(expr, first);
      else this.checkNoAggregate(expr, first);
      const name = this.isKeyword('as') ? (this.next(), this.fieldName()) : this.sourceFrom(first);
      return { expr, name };
    });
  }

  private list<T>(item: () => T): T[] {
    const items = [item()];
    while (this.isOp(',')) {
      this.next();
      items.push(item());
    }
    return items;
  }

  private fieldName(): string {
    const token = this.next();
    if (token.kind !== 'ident' || (!token.quoted && RESERVED.has(token.str.toLowerCase())))
      this.fail('Expected a field name after as', token);
    return token.str;
  }

  private checkAggregate(expr: Expr, at: Token): void {
    if (expr.kind !== 'call' || !AGGREGATES.has(expr.name))
      this.fail(`stats needs an aggregate function such as count(*), got '${at.text}'`, at);
    if (expr.name === 'count') {
      if (expr.args.length > 1) this.fail('count takes at most one argument', at);
    } else if (expr.args.length !== 1 || expr.args[0].kind === 'star') {
      this.fail(`${expr.name} takes one field or expression`, at);
    }
    for (const arg of expr.args) if (arg.kind !== 'star') this.checkNoAggregate(arg, at);
  }

  private checkNoAggregate(expr: Expr, at: Token): void {
    visit(expr, (node) => {
      if (node.kind === 'call' && AGGREGATES.has(node.name))
        this.fail(`Aggregate function '${node.name}' is only allowed in stats`, at);
      if (node.kind === 'star') this.fail("'*' is only allowed in count(*)", at);
    });
  }

  // Expressions, lowest precedence first.

  private expression(): Expr {
    let left = this.andExpr();
    while (this.isKeyword('or')) {
      this.next();
      left = { kind: 'binary', op: 'or', left, right: this.andExpr() };
    }
    return left;
  }

  private andExpr(): Expr {
    let left = this.notExpr();
    while (this.isKeyword('and')) {
      this.next();
      left = { kind: 'binary', op: 'and', left, right: this.notExpr() };
    }
    return left;
  }

  private notExpr(): Expr {
    if (this.isKeyword('not') && !this.isKeyword('like', 1)) {
      this.next();
      return { kind: 'unary', op: 'not', operand: this.notExpr() };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    const token = this.peek();
    let op: BinaryOp | undefined;
    if (token.kind === 'op' && COMPARISONS.has(token.str)) op = token.str as BinaryOp;
    else if (this.isKeyword('like')) op = 'like';
    else if (this.isKeyword('not') && this.isKeyword('like', 1)) op = 'not like';
    if (!op) return left;
    this.next();
    if (op === 'not like') this.next();
    const right = this.additive();
    if (op === '=~' && right.kind !== 'regex') this.fail('=~ needs a regex literal', token);
    if ((op === 'like' || op === 'not like') && right.kind !== 'regex' && right.kind !== 'string')
      this.fail('like needs a string or a regex literal', token);
    return { kind: 'binary', op, left, right };
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().str as BinaryOp;
      left = { kind: 'binary', op, left, right: this.multiplicative() };
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/')) {
      const op = this.next().str as BinaryOp;
      left = { kind: 'binary', op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isOp('-')) {
      this.next();
      return { kind: 'unary', op: '-', operand: this.unary() };
    }
    return this.primary();
  }

  private primary(): Expr {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return { kind: 'number', value: token.num };
      case 'duration':
        return { kind: 'duration', ms: token.num };
      case 'string':
        return { kind: 'string', value: token.str };
      case 'regex':
        return { kind: 'regex', regex: token.regex! };
      case 'ident':
        return this.identifier(token);
      case 'op':
        if (token.str === '(') {
          const inner = this.expression();
          this.expectOp(')');
          return inner;
        }
        return this.fail(`Unexpected '${token.text}'`, token);
      default:
        return this.fail('Unexpected end of query', token);
    }
  }

  private identifier(token: Token): Expr {
    if (!token.quoted && RESERVED.has(token.str.toLowerCase()))
      this.fail(`Unexpected keyword '${token.text}'`, token);
    if (token.quoted || !this.isOp('(')) return { kind: 'field', name: token.str };
    const name = token.str.toLowerCase();
    if (!AGGREGATES.has(name) && FUNCTIONS[name] === undefined)
      this.fail(`Unknown function '${token.text}'`, token);
    this.next();
    const args: Expr[] = [];
    if (!this.isOp(')')) {
      args.push(...this.list(() => this.argument()));
    }
    this.expectOp(')');
    this.checkCall(name, args, token);
    return { kind: 'call', name, args };
  }

  private argument(): Expr {
    if (this.isOp('*') && (this.isOp(')', 1) || this.isOp(',', 1))) {
      this.next();
      return { kind: 'star' };
    }
    return this.expression();
  }

  private checkCall(name: string, args: Expr[], token: Token): void {
    if (AGGREGATES.has(name)) return; // checked where aggregates are allowed
    const arity = FUNCTIONS[name];
    if (arity === -1 && args.length === 0)
      this.fail(`${token.text} takes at least one argument`, token);
    if (arity !== -1 && args.length !== arity)
      this.fail(`${token.text} takes ${arity} argument${arity === 1 ? '' : 's'}`, token);
    if (name === 'bin' && args[0].kind !== 'duration')
      this.fail('bin needs a period such as 5m, 30s or 1h', token);
    if (name === 'ispresent' && args[0].kind !== 'field')
      this.fail('ispresent needs a field', token);
  }

  // Token helpers.

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  private previous(): Token {
    return this.tokens[this.pos - 1];
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.pos++;
    return token;
  }

  private isOp(op: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'op' && token.str === op;
  }

  private isKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'ident' && !token.quoted && token.str.toLowerCase() === word;
  }

  private expectOp(op: string): void {
    if (!this.isOp(op)) this.fail(`Expected '${op}'`);
    this.next();
  }

  private sourceFrom(first: Token): string {
    return this.text.slice(first.start, this.previous().end).trim();
  }

  private fail(message: string, token: Token = this.peek()): never {
    throw new QuerySyntaxError(message, token.start);
  }
}

function captureNames(regex: RegExp): string[] {
  // An empty alternative always matches, and reports every named group (as undefined).
  const groups = new RegExp(`(?:${regex.source})|`).exec('')?.groups;
  return groups ? Object.keys(groups) : [];
}

function visit(expr: Expr, callback: (node: Expr) => void): void {
  callback(expr);
  if (expr.kind === 'unary') visit(expr.operand, callback);
  else if (expr.kind === 'binary') {
    visit(expr.left, callback);
    visit(expr.right, callback);
  } else if (expr.kind === 'call') {
    for (const arg of expr.args) visit(arg, callback);
  }
}

// ---------------------------------------------------------------------------------------------
// Values and records

/** A point in time: compares as milliseconds, displays as `YYYY-MM-DD HH:mm:ss.SSS` (UTC). */
class Time {
  constructor(readonly ms: number) {}
}

type Value = string | number | boolean | Time | null;

/** One record: an event's built-in fields plus computed ones, or a row made by stats. */
class Rec {
  private extra: Map<string, Value> | undefined;
  private discovered: Map<string, Value> | undefined;

  constructor(
    private readonly event: QueryEvent | undefined,
    private readonly index: number,
  ) {}

  static of(entries: Iterable<[string, Value]>): Rec {
    const rec = new Rec(undefined, 0);
    rec.extra = new Map(entries);
    return rec;
  }

  get(name: string): Value {
    if (this.extra?.has(name)) return this.extra.get(name) ?? null;
    return this.event ? this.builtIn(this.event, name) : null;
  }

  set(name: string, value: Value): void {
    (this.extra ??= new Map()).set(name, value);
  }

  private builtIn(event: QueryEvent, name: string): Value {
    switch (name) {
      case '@message':
        return event.message;
      case '@timestamp':
        return new Time(event.timestamp);
      case '@ingestionTime':
        return new Time(event.timestamp + 1000);
      case '@logStream':
        return event.logStream ?? 'stream-1';
      case '@log':
        return event.logGroup ?? null;
      case '@ptr':
        return Buffer.from(`${event.logGroup ?? ''}/${this.index}`).toString('base64url');
      default:
        return (this.discovered ??= discoverFields(event.message)).get(name) ?? null;
    }
  }
}

const NO_FIELDS: ReadonlyMap<string, Value> = new Map();

/** The fields of a JSON object event, nested keys joined with dots; none for other events. */
function discoverFields(message: string): Map<string, Value> {
  const fields = new Map<string, Value>();
  if (!message.trimStart().startsWith('{')) return NO_FIELDS as Map<string, Value>;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return fields;
  }
  const walk = (value: unknown, path: string) => {
    if (value === null || value === undefined) return;
    if (typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    } else if (
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    ) {
      if (path) fields.set(path, value);
    }
  };
  walk(parsed, '');
  return fields;
}

function display(value: Exclude<Value, null>): string {
  if (value instanceof Time) return new Date(value.ms).toISOString().replace('T', ' ').slice(0, -1);
  return String(value);
}

function toNumber(value: Value): number | null {
  if (typeof value === 'number') return value;
  if (value instanceof Time) return value.ms;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(value))
    return Number(value);
  return null;
}

function toText(value: Value): string | null {
  return value === null ? null : display(value);
}

function truthy(value: Value): boolean {
  if (value === null || value === false || value === '' || value === 0) return false;
  return true;
}

function numeric(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** Values that both read as numbers (`"15"` does, as a parsed field) compare numerically. */
function compare(left: Value, right: Value): number | null {
  if (left === null || right === null) return null;
  const a = toNumber(left);
  const b = toNumber(right);
  if (a !== null && b !== null) return a - b;
  const x = display(left);
  const y = display(right);
  return x < y ? -1 : x > y ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Evaluator

function evaluate(expr: Expr, rec: Rec): Value {
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'string':
      return expr.value;
    case 'duration':
      return expr.ms;
    case 'regex':
      return expr.regex.test(toText(rec.get('@message')) ?? '');
    case 'star':
      return null;
    case 'field':
      return rec.get(expr.name);
    case 'unary':
      return evaluateUnary(expr.op, evaluate(expr.operand, rec));
    case 'binary':
      return evaluateBinary(expr.op, expr.left, expr.right, rec);
    case 'call':
      return evaluateCall(expr.name, expr.args, rec);
  }
}

function evaluateUnary(op: 'not' | '-', value: Value): Value {
  if (op === 'not') return !truthy(value);
  const number = toNumber(value);
  return number === null ? null : -number;
}

function evaluateBinary(op: BinaryOp, leftExpr: Expr, rightExpr: Expr, rec: Rec): Value {
  if (op === 'and') return truthy(evaluate(leftExpr, rec)) && truthy(evaluate(rightExpr, rec));
  if (op === 'or') return truthy(evaluate(leftExpr, rec)) || truthy(evaluate(rightExpr, rec));
  const left = evaluate(leftExpr, rec);
  if (op === 'like' || op === 'not like' || op === '=~') {
    const text = toText(left);
    if (text === null) return false;
    const found =
      rightExpr.kind === 'regex'
        ? rightExpr.regex.test(text)
        : text.includes(toText(evaluate(rightExpr, rec)) ?? '');
    return op === 'not like' ? !found : found;
  }
  const right = evaluate(rightExpr, rec);
  switch (op) {
    case '+':
    case '-':
    case '*':
    case '/':
      return arithmetic(op, toNumber(left), toNumber(right));
    default: {
      const order = compare(left, right);
      if (order === null) return false;
      return comparisonHolds(op, order);
    }
  }
}

function arithmetic(op: '+' | '-' | '*' | '/', a: number | null, b: number | null): Value {
  if (a === null || b === null) return null;
  switch (op) {
    case '+':
      return numeric(a + b);
    case '-':
      return numeric(a - b);
    case '*':
      return numeric(a * b);
    case '/':
      return b === 0 ? null : numeric(a / b);
  }
}

function comparisonHolds(op: BinaryOp, order: number): boolean {
  switch (op) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    default:
      return order >= 0;
  }
}

function evaluateCall(name: string, args: Expr[], rec: Rec): Value {
  if (name === 'bin') {
    const period = (args[0] as { ms: number }).ms;
    const time = toNumber(rec.get('@timestamp'));
    return time === null ? null : new Time(Math.floor(time / period) * period);
  }
  if (name === 'coalesce') {
    for (const arg of args) {
      const value = evaluate(arg, rec);
      if (value !== null) return value;
    }
    return null;
  }
  const value = evaluate(args[0], rec);
  const number = () => toNumber(value);
  const text = () => toText(value);
  switch (name) {
    case 'ispresent':
      return value !== null;
    case 'tomillis':
      return number();
    case 'floor':
      return mapNumber(number(), Math.floor);
    case 'ceil':
      return mapNumber(number(), Math.ceil);
    case 'abs':
      return mapNumber(number(), Math.abs);
    case 'strlen':
      return text()?.length ?? null;
    case 'tolower':
      return text()?.toLowerCase() ?? null;
    case 'toupper':
      return text()?.toUpperCase() ?? null;
    default:
      throw new Error(`Aggregate function '${name}' is only allowed in stats`);
  }
}

function mapNumber(value: number | null, fn: (n: number) => number): number | null {
  return value === null ? null : fn(value);
}

// ---------------------------------------------------------------------------------------------
// Pipeline: each command is a stage that records are pushed through.

interface Stage {
  push(rec: Rec): void;
  end(): void;
}

class FilterStage implements Stage {
  constructor(
    private readonly expr: Expr,
    private readonly next: Stage,
  ) {}
  push(rec: Rec): void {
    if (truthy(evaluate(this.expr, rec))) this.next.push(rec);
  }
  end(): void {
    this.next.end();
  }
}

class FieldsStage implements Stage {
  constructor(
    private readonly items: NamedExpr[],
    private readonly next: Stage,
  ) {}
  push(rec: Rec): void {
    for (const { expr, name } of this.items) {
      if (expr.kind !== 'field' || expr.name !== name) rec.set(name, evaluate(expr, rec));
    }
    this.next.push(rec);
  }
  end(): void {
    this.next.end();
  }
}

class ParseStage implements Stage {
  constructor(
    private readonly command: Extract<Command, { kind: 'parse' }>,
    private readonly next: Stage,
  ) {}
  push(rec: Rec): void {
    const { source, regex, names } = this.command;
    const text = toText(evaluate(source, rec));
    const groups = text === null ? undefined : regex.exec(text)?.groups;
    for (const name of names) rec.set(name, groups?.[name] ?? null);
    this.next.push(rec);
  }
  end(): void {
    this.next.end();
  }
}

/** Counts the records reaching it (recordsMatched). */
class CountStage implements Stage {
  count = 0;
  constructor(private readonly next: Stage) {}
  push(rec: Rec): void {
    this.count++;
    this.next.push(rec);
  }
  end(): void {
    this.next.end();
  }
}

class LimitStage implements Stage {
  private seen = 0;
  constructor(
    private readonly count: number,
    private readonly next: Stage,
  ) {}
  push(rec: Rec): void {
    if (this.seen++ < this.count) this.next.push(rec);
  }
  end(): void {
    this.next.end();
  }
}

class SortStage implements Stage {
  private buffer: Rec[] = [];
  constructor(
    private readonly keys: SortKey[],
    /** How many records can matter downstream (a top-N buffer), or Infinity. */
    private readonly keep: number,
    private readonly next: Stage,
  ) {}
  push(rec: Rec): void {
    this.buffer.push(rec);
    if (this.buffer.length >= 2 * this.keep + 1024) this.trim();
  }
  end(): void {
    this.trim();
    for (const rec of this.buffer) this.next.push(rec);
    this.buffer = [];
    this.next.end();
  }
  private trim(): void {
    this.buffer.sort((a, b) => this.order(a, b)); // stable: ties keep arrival order
    if (this.buffer.length > this.keep) this.buffer.length = this.keep;
  }
  private order(a: Rec, b: Rec): number {
    for (const { field, order } of this.keys) {
      const x = a.get(field);
      const y = b.get(field);
      if (x === null || y === null) {
        if (x !== y) return x === null ? 1 : -1; // absent values last
        continue;
      }
      const result = compare(x, y) ?? 0;
      if (result !== 0) return order === 'asc' ? result : -result;
    }
    return 0;
  }
}

interface Accumulator {
  add(rec: Rec): void;
  result(): Value;
}

function makeAccumulator(expr: Expr): Accumulator {
  const call = expr as Extract<Expr, { kind: 'call' }>;
  const arg = call.args[0] as Expr | undefined;
  const valueOf = (rec: Rec) => (arg ? evaluate(arg, rec) : null);
  if (call.name === 'count') {
    let n = 0;
    const all = !arg || arg.kind === 'star';
    return { add: (rec) => void ((all || valueOf(rec) !== null) && n++), result: () => n };
  }
  if (call.name === 'min' || call.name === 'max') {
    let best: Value = null;
    const sign = call.name === 'min' ? -1 : 1;
    return {
      add: (rec) => {
        const value = valueOf(rec);
        if (value !== null && (best === null || (compare(value, best) ?? 0) * sign > 0))
          best = value;
      },
      result: () => best,
    };
  }
  let sum = 0;
  let n = 0;
  return {
    add: (rec) => {
      const value = toNumber(valueOf(rec));
      if (value === null) return;
      sum += value;
      n++;
    },
    result: () => (n === 0 ? null : call.name === 'sum' ? sum : sum / n),
  };
}

class StatsStage implements Stage {
  private readonly groups = new Map<string, { keys: Value[]; accumulators: Accumulator[] }>();
  constructor(
    private readonly command: Extract<Command, { kind: 'stats' }>,
    private readonly next: Stage,
  ) {}
  push(rec: Rec): void {
    const keys = this.command.by.map(({ expr }) => evaluate(expr, rec));
    const id = JSON.stringify(keys.map((key) => (key === null ? null : display(key))));
    let group = this.groups.get(id);
    if (!group) {
      group = {
        keys,
        accumulators: this.command.aggregates.map(({ expr }) => makeAccumulator(expr)),
      };
      this.groups.set(id, group);
    }
    for (const accumulator of group.accumulators) accumulator.add(rec);
  }
  end(): void {
    const { by, aggregates } = this.command;
    for (const { keys, accumulators } of this.groups.values()) {
      const entries: [string, Value][] = [
        ...by.map(({ name }, i): [string, Value] => [name, keys[i]]),
        ...aggregates.map(({ name }, i): [string, Value] => [name, accumulators[i].result()]),
      ];
      this.next.push(Rec.of(entries));
    }
    this.groups.clear();
    this.next.end();
  }
}

class CollectStage implements Stage {
  readonly rows: ResultField[][] = [];
  constructor(
    private readonly fields: string[],
    private readonly max: number,
  ) {}
  push(rec: Rec): void {
    if (this.rows.length >= this.max) return;
    const row: ResultField[] = [];
    for (const field of this.fields) {
      const value = rec.get(field);
      if (value !== null) row.push({ field, value: display(value) });
    }
    this.rows.push(row);
  }
  end(): void {}
}

/** The fields a result row shows, in order. */
function displayedFields(commands: readonly Command[]): string[] {
  let shown: string[] | undefined;
  const parsed: string[] = [];
  let aggregated = false;
  for (const command of commands) {
    if (command.kind === 'fields') shown = [...(shown ?? []), ...command.items.map((i) => i.name)];
    else if (command.kind === 'parse' && !aggregated) parsed.push(...command.names);
    else if (command.kind === 'stats') {
      shown = [...command.by, ...command.aggregates].map((item) => item.name);
      aggregated = true;
    }
  }
  const fields = shown ?? ['@timestamp', '@message', ...parsed];
  if (!aggregated) fields.push('@ptr');
  return [...new Set(fields)];
}

/** How many records a sort at `index` must keep: bounded only when nothing after it filters. */
function sortKeep(commands: readonly Command[], index: number, max: number): number {
  let keep = max;
  for (const command of commands.slice(index + 1)) {
    if (command.kind === 'limit') keep = Math.min(keep, command.count);
    else if (command.kind !== 'fields') return Infinity;
  }
  return keep;
}

function buildPipeline(commands: readonly Command[], max: number) {
  const collect = new CollectStage(displayedFields(commands), max);
  const barrier = commands.findIndex(
    (c) => c.kind === 'stats' || c.kind === 'sort' || c.kind === 'limit',
  );
  const countAt = barrier < 0 ? commands.length : barrier;
  // Built from the end; the counter sits in front of the first command that keeps records.
  let head: Stage = collect;
  let counter = new CountStage(head);
  for (let i = commands.length; i >= 0; i--) {
    if (i < commands.length) head = stageFor(commands, i, max, head);
    if (i === countAt) head = counter = new CountStage(head);
  }
  return { head, collect, counter };
}

function stageFor(commands: readonly Command[], index: number, max: number, next: Stage): Stage {
  const command = commands[index];
  switch (command.kind) {
    case 'filter':
      return new FilterStage(command.expr, next);
    case 'fields':
      return new FieldsStage(command.items, next);
    case 'parse':
      return new ParseStage(command, next);
    case 'stats':
      return new StatsStage(command, next);
    case 'sort':
      return new SortStage(command.keys, sortKeep(commands, index, max), next);
    case 'limit':
      return new LimitStage(command.count, next);
  }
}

/**
 * Runs a query over events in timestamp order, reading each once. Events outside the range are
 * not scanned; the first event after its end stops the reading.
 */
export function runQuery(
  query: Query,
  events: Iterable<QueryEvent>,
  range: QueryRange,
  options: RunOptions = {},
): QueryResult {
  const steps = evaluation(query, events, range, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Events between two turns of the event loop when a query runs in the background. */
const EVENTS_PER_TURN = 20_000;

/**
 * The same evaluation in the background, as the service runs a query: it yields to the event
 * loop every EVENTS_PER_TURN events, and ends early (undefined) once `stopped` says so.
 */
export async function runQueryInBackground(
  query: Query,
  events: Iterable<QueryEvent>,
  range: QueryRange,
  options: RunOptions & { stopped: () => boolean },
): Promise<QueryResult | undefined> {
  const steps = evaluation(query, events, range, options);
  for (;;) {
    if (options.stopped()) return undefined;
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function* evaluation(
  query: Query,
  events: Iterable<QueryEvent>,
  range: QueryRange,
  options: RunOptions,
): Generator<void, QueryResult> {
  const commands =
    options.limit === undefined ? query.commands : query.commands.filter((c) => c.kind !== 'limit');
  const { head, collect, counter } = buildPipeline(commands, options.limit ?? MAX_ROWS);
  let recordsScanned = 0;
  let bytesScanned = 0;
  let seen = 0;
  for (const event of events) {
    if (++seen % EVENTS_PER_TURN === 0) yield;
    if (event.timestamp < range.startMs) continue;
    if (event.timestamp > range.endMs) break;
    bytesScanned += Buffer.byteLength(event.message, 'utf8') + METADATA_BYTES;
    head.push(new Rec(event, recordsScanned++));
  }
  head.end();
  return {
    rows: collect.rows,
    statistics: { recordsMatched: counter.count, recordsScanned, bytesScanned },
  };
}

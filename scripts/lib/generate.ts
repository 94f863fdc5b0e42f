/**
 * Deterministic error lines of mixed formats (application logs with headers, syslog, JSON lines,
 * nginx, Python, logfmt) for the throughput benchmark.
 */

import { seededRandom } from '../../src/demo/random.js';

const WORDS = ['alpha', 'orders', 'billing', 'carts', 'users', 'search', 'stock', 'auth', 'mail'];
const NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan'];

const MESSAGES: ReadonlyArray<(v: Vars) => string> = [
  (v) => `Payment failed for order ${v.int(1e6)}: card declined (code ${v.int(100)})`,
  (v) => `Timeout after ${v.int(30000)}ms calling ${v.word()}-service at ${v.ip()}:${v.int(65535)}`,
  (v) => `Connection refused: ${v.ip()}:5432`,
  (v) => `User ${v.name()} not found in tenant ${v.uuid()}`,
  (v) => `Failed to read /var/data/${v.word()}/${v.int(1e5)}.json: ENOENT`,
  (v) => `java.lang.NullPointerException: Cannot invoke "${v.word()}.getId()" because it is null`,
  (v) => `OutOfMemoryError: Java heap space (used ${v.int(4096)} MB of ${v.int(8192)} MB)`,
  (v) => `upstream returned 503 for GET /api/v2/${v.word()}/${v.int(1e5)} in ${v.int(900)}ms`,
  (v) => `KeyError: '${v.word()}_id'`,
  (v) => `Deadline exceeded for request ${v.hex(16)} after ${v.int(60)}s`,
  (v) => `Rejected login for ${v.name()}@example.com from ${v.ip()}`,
  (v) => `Queue ${v.word()} is full: ${v.int(10000)} messages pending`,
  (v) => `Container exited with exit code 137 (OOMKilled) on node ip-${v.int(255)}-${v.int(255)}`,
  (v) => `Retry ${v.int(5)}/5 failed for job job_${v.int(1e9)}_${v.int(1e4)}`,
  (v) => `Invalid token for session ${v.uuid()}: signature mismatch`,
  (v) => `Disk usage ${v.int(100)}% on /dev/sda${v.int(4)} exceeds threshold`,
  (v) => `panic: runtime error: index out of range [${v.int(10)}] with length ${v.int(10)}`,
  (v) => `Cache miss storm on key "${v.word()}:${v.int(1e6)}" (${v.int(500)} misses/s)`,
  (v) => `Stopped worker ${v.int(64)} after ${v.int(3600)} seconds`,
  (v) => `Started worker ${v.int(64)} after ${v.int(3600)} seconds`,
];

interface Vars {
  int(max: number): number;
  word(): string;
  name(): string;
  ip(): string;
  uuid(): string;
  hex(length: number): string;
}

const FORMATS: ReadonlyArray<(t: Date, v: Vars, message: string) => string> = [
  (t, v, m) => `${t.toISOString()} ERROR [worker-${v.int(8)}] com.shop.${v.word()}.Service - ${m}`,
  (t, _v, m) =>
    `${t.toISOString().slice(0, 19).replace('T', ' ')},${String(t.getUTCMilliseconds()).padStart(3, '0')} ERROR app.${_v.word()}: ${m}`,
  (t, v, m) => `${syslogTime(t)} web-${v.int(20)} api[${v.int(32768)}]: error: ${m}`,
  (t, v, m) =>
    JSON.stringify({ time: t.toISOString(), level: 'error', msg: m, request_id: v.uuid() }),
  (t, v, m) =>
    `${t.toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, '/')} [error] ${v.int(999)}#0: *${v.int(1e6)} ${m}, client: ${v.ip()}`,
  (t, v, m) => `${t.toISOString()} - ${v.word()} - ERROR - ${m}`,
  (t, v, m) => `level=error ts=${t.toISOString()} caller=${v.word()}.go:${v.int(400)} msg="${m}"`,
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function syslogTime(t: Date): string {
  const day = String(t.getUTCDate()).padStart(2, ' ');
  return `${MONTHS[t.getUTCMonth()]} ${day} ${t.toISOString().slice(11, 19)}`;
}

export function* generateLines(count: number, seed = 42): Generator<string> {
  const next = seededRandom(seed);
  const int = (max: number) => Math.floor(next() * max);
  const hex = (length: number) =>
    Array.from({ length }, () => '0123456789abcdef'[int(16)]).join('');
  const vars: Vars = {
    int,
    word: () => WORDS[int(WORDS.length)],
    name: () => NAMES[int(NAMES.length)],
    ip: () => `10.${int(255)}.${int(255)}.${int(255)}`,
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
    hex,
  };
  let time = Date.UTC(2026, 2, 1);
  for (let i = 0; i < count; i++) {
    time += int(50);
    const message = MESSAGES[int(MESSAGES.length)](vars);
    yield FORMATS[int(FORMATS.length)](new Date(time), vars, message);
  }
}

/** Lines of random words, each its own template: the miner's worst case. */
export function* generateNewTemplates(count: number, seed = 3): Generator<string> {
  const next = seededRandom(seed);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const word = () => {
    let text = '';
    for (let i = 0, length = 3 + Math.floor(next() * 7); i < length; i++) {
      text += letters[Math.floor(next() * 26)];
    }
    return text;
  };
  for (let i = 0; i < count; i++) {
    const words = ['ERROR'];
    for (let k = 0, length = 5 + Math.floor(next() * 10); k < length; k++) words.push(word());
    yield words.join(' ');
  }
}

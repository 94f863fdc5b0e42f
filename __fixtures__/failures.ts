/**
 * A labelled set of failures as services log them (Java, Python, Node.js, Go, JSON, nginx), with
 * several exceptions under one log message and fresh ids in every event, to score what users
 * see: whether each failure gets a signature of its own that names its exception.
 */
import { seededRandom } from '../src/demo/random.js';

export interface LabelledFailure {
  /** Unique name of the failure. */
  label: string;
  format: 'java' | 'python' | 'node' | 'go' | 'json' | 'nginx';
  /** What the template must show: the exception's name, or the error's own words. */
  names: string;
  /** An occurrence, with fresh ids drawn from `random`. */
  event: (random: Random) => string;
}

export interface Random {
  id: () => string;
  hex: (length: number) => string;
  int: (below: number) => number;
  ip: () => string;
  time: () => string;
}

export function randomFor(seed: number): Random {
  const next = seededRandom(seed);
  const int = (below: number) => Math.floor(next() * below);
  const hex = (length: number) =>
    Array.from({ length }, () => '0123456789abcdef'[int(16)]).join('');
  return {
    int,
    hex,
    id: () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
    ip: () => `10.${int(256)}.${int(256)}.${int(256)}`,
    time: () =>
      `2026-03-01 14:${String(int(60)).padStart(2, '0')}:${String(int(60)).padStart(2, '0')}.${String(int(1000)).padStart(3, '0')}`,
  };
}

// Java: a logger line, then the exception and its frames, library frames around the app's.
const JAVA_MESSAGES = [
  (r: Random) => `Request failed for /api/checkout/${r.int(100000)}`,
  (r: Random) => `Payment capture failed for order ${r.int(1000000)}`,
  () => 'Scheduled job sync-inventory failed',
];
interface JavaCause {
  name: string;
  message: (r: Random) => string;
  frame: string;
  cause?: { name: string; message: (r: Random) => string; frame: string };
}
const JAVA_CAUSES: JavaCause[] = [
  {
    name: 'java.lang.NullPointerException',
    message: () => 'Cannot invoke "String.length()" because "<local4>" is null',
    frame: 'com.shop.checkout.CheckoutService.charge(CheckoutService.java',
  },
  {
    name: 'org.springframework.web.client.ResourceAccessException',
    message: (r) => `I/O error on POST request for "http://${r.ip()}:8080/pay"`,
    frame: 'com.shop.payments.GatewayClient.capture(GatewayClient.java',
    cause: {
      name: 'java.util.concurrent.TimeoutException',
      message: (r) => `timed out after ${r.int(5000)} ms`,
      frame: 'com.shop.payments.GatewayClient.capture(GatewayClient.java',
    },
  },
  {
    name: 'java.lang.IllegalStateException',
    message: (r) => `cart ${r.id()} is already closed`,
    frame: 'com.shop.cart.CartService.validate(CartService.java',
  },
  {
    name: 'org.springframework.dao.DataIntegrityViolationException',
    message: () => 'could not execute statement',
    frame: 'com.shop.orders.OrderRepository.save(OrderRepository.java',
    cause: {
      name: 'java.sql.SQLIntegrityConstraintViolationException',
      message: (r) => `Duplicate entry '${r.int(100000)}' for key 'orders.PRIMARY'`,
      frame: 'com.shop.orders.OrderRepository.save(OrderRepository.java',
    },
  },
];

function javaEvent(message: (r: Random) => string, cause: JavaCause) {
  return (r: Random) => {
    const line = () => r.int(400) + 20;
    const lines = [
      `${r.time()} ERROR [http-nio-8080-exec-${r.int(200)}] c.s.web.ApiController - ${message(r)}`,
      `${cause.name}: ${cause.message(r)}`,
      `\tat ${cause.frame}:${line()})`,
      `\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:${line()})`,
      `\tat java.base/java.lang.Thread.run(Thread.java:833)`,
    ];
    if (cause.cause) {
      lines.push(
        `Caused by: ${cause.cause.name}: ${cause.cause.message(r)}`,
        `\tat java.base/java.util.concurrent.FutureTask.get(FutureTask.java:${line()})`,
        `\tat ${cause.cause.frame}:${line()})`,
        `\t... ${r.int(40) + 3} more`,
      );
    }
    return lines.join('\n');
  };
}

const simpleName = (name: string) => name.slice(name.lastIndexOf('.') + 1);

const JAVA: LabelledFailure[] = JAVA_MESSAGES.flatMap((message, m) =>
  JAVA_CAUSES.map((cause) => ({
    label: `java ${m} ${simpleName(cause.cause?.name ?? cause.name)}`,
    format: 'java' as const,
    names: simpleName(cause.cause?.name ?? cause.name),
    event: javaEvent(message, cause),
  })),
);

// Python: logging.exception under a message, and uncaught tracebacks.
const PYTHON_ERRORS = [
  { name: 'KeyError', line: () => "KeyError: 'user_id'", fn: 'get_user', file: 'users.py' },
  {
    name: 'ValueError',
    line: (r: Random) => `ValueError: invalid literal for int() with base 10: '${r.hex(6)}'`,
    fn: 'parse_amount',
    file: 'billing.py',
  },
  {
    name: 'requests.exceptions.ConnectionError',
    line: (r: Random) =>
      `requests.exceptions.ConnectionError: HTTPConnectionPool(host='${r.ip()}', port=8080): Max retries exceeded`,
    fn: 'fetch_rates',
    file: 'rates.py',
  },
  {
    name: 'ZeroDivisionError',
    line: () => 'ZeroDivisionError: division by zero',
    fn: 'average_basket',
    file: 'stats.py',
  },
];

function pythonEvent(header: boolean, error: (typeof PYTHON_ERRORS)[number]) {
  return (r: Random) =>
    [
      ...(header
        ? [`${r.time().replace('.', ',')} ERROR [shop.api] Request ${r.id()} failed`]
        : []),
      'Traceback (most recent call last):',
      `  File "/app/shop/api.py", line ${r.int(300) + 10}, in handle`,
      '    return view(request)',
      `  File "/app/shop/${error.file}", line ${r.int(300) + 10}, in ${error.fn}`,
      '    value = compute(payload)',
      `  File "/usr/local/lib/python3.12/site-packages/requests/api.py", line ${r.int(90)}, in get`,
      '    return request("get", url)',
      error.line(r),
    ].join('\n');
}

const PYTHON: LabelledFailure[] = [true, false].flatMap((header) =>
  PYTHON_ERRORS.map((error) => ({
    label: `python ${header ? 'logged' : 'uncaught'} ${error.name}`,
    format: 'python' as const,
    names: simpleName(error.name),
    event: pythonEvent(header, error),
  })),
);

// Node.js: uncaught errors, and errors logged under one message.
const NODE_ERRORS = [
  {
    name: 'TypeError',
    line: () => "TypeError: Cannot read properties of undefined (reading 'id')",
    fn: 'charge',
    file: 'checkout.js',
  },
  {
    name: 'RangeError',
    line: (r: Random) => `RangeError: Invalid array length ${r.int(100000)}`,
    fn: 'paginate',
    file: 'list.js',
  },
  {
    name: 'ECONNREFUSED',
    line: (r: Random) => `Error: connect ECONNREFUSED ${r.ip()}:5432`,
    fn: 'connect',
    file: 'db.js',
  },
  {
    name: 'SyntaxError',
    line: (r: Random) => `SyntaxError: Unexpected token < in JSON at position ${r.int(900)}`,
    fn: 'parseBody',
    file: 'http.js',
  },
];

function nodeEvent(header: boolean, error: (typeof NODE_ERRORS)[number]) {
  return (r: Random) =>
    [
      ...(header ? [`${r.time()} ERROR request ${r.id()} failed`] : []),
      error.line(r),
      `    at ${error.fn} (/app/src/${error.file}:${r.int(200) + 1}:${r.int(40) + 1})`,
      `    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`,
      `    at async handle (/app/node_modules/express/lib/router/layer.js:${r.int(100)}:5)`,
    ].join('\n');
}

const NODE: LabelledFailure[] = [true, false].flatMap((header) =>
  NODE_ERRORS.map((error) => ({
    label: `node ${header ? 'logged' : 'uncaught'} ${error.name}`,
    format: 'node' as const,
    names: error.name,
    event: nodeEvent(header, error),
  })),
);

// Go: panics, told apart by the message and the first frame out of the runtime.
const GO_PANICS = [
  {
    label: 'nil handleCheckout',
    line: 'panic: runtime error: invalid memory address or nil pointer dereference',
    names: 'nil pointer dereference',
    fn: 'main.(*Server).handleCheckout',
    file: 'server.go',
  },
  {
    label: 'nil loadCart',
    line: 'panic: runtime error: invalid memory address or nil pointer dereference',
    names: 'nil pointer dereference',
    fn: 'github.com/shop/cart.(*Store).Load',
    file: 'store.go',
  },
  {
    label: 'index parseItems',
    line: 'panic: runtime error: index out of range [5] with length 5',
    names: 'index out of range',
    fn: 'main.parseItems',
    file: 'items.go',
  },
  {
    label: 'closed channel',
    line: 'panic: send on closed channel',
    names: 'send on closed channel',
    fn: 'github.com/shop/events.(*Bus).Publish',
    file: 'bus.go',
  },
];

const GO: LabelledFailure[] = GO_PANICS.map((panic) => ({
  label: `go ${panic.label}`,
  format: 'go' as const,
  names: panic.names,
  event: (r: Random) =>
    [
      panic.line,
      `[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x${r.hex(6)}]`,
      '',
      `goroutine ${r.int(5000)} [running]:`,
      `${panic.fn}(0xc000${r.hex(6)}, {0x${r.hex(6)}, 0xc000${r.hex(6)}})`,
      `\t/app/${panic.file}:${r.int(300) + 1} +0x${r.hex(3)}`,
      'net/http.HandlerFunc.ServeHTTP(0xc000123450, {0x8b7f20, 0xc0001c2000}, 0xc000128000)',
      `\t/usr/local/go/src/net/http/server.go:2136 +0x29`,
    ].join('\n'),
}));

// JSON (pino): one message, the error and its stack in `err`.
const JSON_ERRORS = NODE_ERRORS.slice(0, 3).map((error) => ({ ...error }));
const JSON_FAILURES: LabelledFailure[] = ['payment failed', 'order sync failed'].flatMap(
  (message) =>
    JSON_ERRORS.map((error) => ({
      label: `json ${message} ${error.name}`,
      format: 'json' as const,
      names: error.name,
      event: (r: Random) => {
        const line = error.line(r);
        return JSON.stringify({
          level: 50,
          time: 1772373900000 + r.int(600000),
          pid: r.int(30000),
          reqId: r.id(),
          msg: message,
          err: {
            type: error.name,
            message: line.slice(line.indexOf(':') + 2),
            stack: `${line}\n    at ${error.fn} (/app/src/${error.file}:${r.int(200) + 1}:${r.int(40) + 1})\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`,
          },
        });
      },
    })),
);

// nginx error log: one line each, told apart by their words.
const NGINX_ERRORS = [
  {
    names: 'Connection refused',
    text: (r: Random) =>
      `connect() failed (111: Connection refused) while connecting to upstream, client: ${r.ip()}, server: shop, request: "GET /api/${r.int(9999)} HTTP/1.1", upstream: "http://${r.ip()}:8080/api"`,
  },
  {
    names: 'upstream timed out',
    text: (r: Random) =>
      `upstream timed out (110: Connection timed out) while reading response header from upstream, client: ${r.ip()}, server: shop, request: "POST /api/pay HTTP/1.1"`,
  },
  {
    names: 'no live upstreams',
    text: (r: Random) =>
      `no live upstreams while connecting to upstream, client: ${r.ip()}, server: shop, request: "GET /api/${r.int(9999)} HTTP/1.1"`,
  },
  {
    names: 'No such file or directory',
    text: (r: Random) =>
      `open() "/var/www/static/${r.hex(8)}.js" failed (2: No such file or directory), client: ${r.ip()}, server: shop`,
  },
];

const NGINX: LabelledFailure[] = NGINX_ERRORS.map((error) => ({
  label: `nginx ${error.names}`,
  format: 'nginx' as const,
  names: error.names,
  event: (r: Random) =>
    `2026/03/01 14:${String(r.int(60)).padStart(2, '0')}:${String(r.int(60)).padStart(2, '0')} [error] ${r.int(30000)}#${r.int(30000)}: *${r.int(1000000)} ${error.text(r)}`,
}));

export const LABELLED_FAILURES: readonly LabelledFailure[] = [
  ...JAVA,
  ...PYTHON,
  ...NODE,
  ...GO,
  ...JSON_FAILURES,
  ...NGINX,
];

/** Occurrences of every failure, interleaved in a seeded order, with their labels. */
export function failureEvents(perFailure: number, seed = 1): { label: string; event: string }[] {
  const random = randomFor(seed);
  const events = LABELLED_FAILURES.flatMap((failure) =>
    Array.from({ length: perFailure }, () => ({
      label: failure.label,
      event: failure.event(random),
    })),
  );
  for (let i = events.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [events[i], events[j]] = [events[j], events[i]];
  }
  return events;
}

export interface FailureScore {
  format: string;
  failures: number;
  /** Failures whose events all got one signature that no other failure's events got. */
  own: number;
  /** Of those, the ones whose template names the error. */
  named: number;
}

/** Scores signature assignments (one `{ id, template }` per event, in order), per format. */
export function scoreFailures(
  events: { label: string }[],
  assigned: { id: string; template: string }[],
): FailureScore[] {
  const idsOf = new Map<string, Set<string>>();
  const labelsOf = new Map<string, Set<string>>();
  const templates = new Map<string, string>();
  events.forEach(({ label }, i) => {
    const { id, template } = assigned[i];
    (idsOf.get(label) ?? idsOf.set(label, new Set()).get(label)!).add(id);
    (labelsOf.get(id) ?? labelsOf.set(id, new Set()).get(id)!).add(label);
    templates.set(id, template);
  });
  const byFormat = new Map<string, FailureScore>();
  for (const failure of LABELLED_FAILURES) {
    const score = byFormat.get(failure.format) ?? {
      format: failure.format,
      failures: 0,
      own: 0,
      named: 0,
    };
    byFormat.set(failure.format, score);
    score.failures++;
    const ids = [...(idsOf.get(failure.label) ?? [])];
    const own = ids.length === 1 && labelsOf.get(ids[0])!.size === 1;
    if (!own) continue;
    score.own++;
    if (templates.get(ids[0])!.includes(failure.names)) score.named++;
  }
  return [...byFormat.values()];
}

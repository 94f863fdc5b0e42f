/**
 * The log groups of the end-to-end scenarios, by the time of the deploy: the e2e tests serve
 * them from the CloudWatch fake to the bundled action, and the parity test of the Logs Insights
 * path reads each of them both ways (see __tests__/signatures/server-counts.test.ts).
 */
import { VERDICTS } from '../src/compare/verdict.js';
import { LEVELS } from '../src/signatures/classify.js';
import { cascadeEvents } from './cascade.js';

export interface ScenarioEvent {
  timestamp: number;
  message: string;
  logStream?: string;
}

const MINUTE = 60_000;

function every(
  from: number,
  to: number,
  perMinute: number,
  message: (i: number) => string,
): ScenarioEvent[] {
  const events: ScenarioEvent[] = [];
  for (let t = from, i = 0; t < to; t += MINUTE / perMinute, i++) {
    events.push({ timestamp: Math.floor(t), message: message(i) });
  }
  return events;
}

const byTime = (events: ScenarioEvent[]) => events.sort((a, b) => a.timestamp - b.timestamp);

/** The new exception of the incidents, on the stream after the one of its line. */
function couponIsNull(timestamp: number, i: number): ScenarioEvent {
  return {
    timestamp,
    message: `ERROR CartService - java.lang.NullPointerException: coupon is null for cart ${i}`,
    logStream: `web/${(i + 1) % 3}`,
  };
}

/** Steady timeouts in both windows, and after the deploy a new exception, over three streams. */
export function paymentIncident(deployedAt: number): ScenarioEvent[] {
  const result: ScenarioEvent[] = [];
  for (let t = deployedAt - 60 * MINUTE, i = 0; t < deployedAt + 10 * MINUTE; t += 20_000, i++) {
    result.push({
      timestamp: t,
      message: `ERROR PaymentClient - gateway timed out after ${3000 + i}ms`,
      logStream: `web/${i % 3}`,
    });
    if (t >= deployedAt + MINUTE && i % 2 === 0) result.push(couponIsNull(t + 1, i));
  }
  return result;
}

/**
 * More events than Logs Insights reads first in each window: steady timeouts, JSON errors and
 * disk warnings, and after the deploy a new exception.
 */
export function busyService(deployedAt: number): ScenarioEvent[] {
  const result: ScenarioEvent[] = [];
  let i = 0;
  for (let t = deployedAt - 60 * MINUTE; t < deployedAt + 10 * MINUTE; t += 400, i++) {
    const id = ((i * 2654435761) % 2 ** 32).toString(16).padStart(8, '0');
    const message = [
      `ERROR PaymentClient - gateway timed out after ${100 + (i % 4000)}ms for order ${i} trace=${id}`,
      `{"level":"error","msg":"upstream returned 503 after ${i % 900}ms","request_id":"${id}"}`,
      `WARN DiskMonitor - disk /data at ${50 + (i % 40)}% on ip-10-0-${i % 200}-${i % 250}.eu-west-1.compute.internal`,
    ][i % 3];
    result.push({ timestamp: t, message, logStream: `web/${i % 3}` });
    if (t >= deployedAt + MINUTE && i % 10 === 0) result.push(couponIsNull(t + 1, i));
  }
  return result;
}

/** Timeouts twice a minute from an hour before the deploy to the soak's end, some in the future. */
export function steadyTimeouts(deployedAt: number): ScenarioEvent[] {
  const events: ScenarioEvent[] = [];
  for (let t = deployedAt - 60 * MINUTE, i = 0; t < deployedAt + 10 * MINUTE; t += 30_000, i++) {
    events.push({
      timestamp: t,
      message: `ERROR PaymentClient - gateway timed out after ${3000 + i}ms`,
    });
  }
  return events;
}

/** A NullPointerException `perMinute` times a minute from `fromMinute` after the deploy on. */
export function couponExceptions(
  deployedAt: number,
  perMinute: number,
  fromMinute = 0,
): ScenarioEvent[] {
  const events: ScenarioEvent[] = [];
  const start = deployedAt + fromMinute * MINUTE;
  for (let t = start, i = 0; t < deployedAt + 10 * MINUTE; t += MINUTE / perMinute, i++) {
    events.push({
      timestamp: Math.floor(t) + 7,
      message: `ERROR CartService - java.lang.NullPointerException: coupon is null for cart ${(0xa000 + i).toString(16)}`,
    });
  }
  return events;
}

/** Timeouts twice a minute (`/ecs/steady`), and the same with a new exception (`/ecs/broken`). */
export function steadyAndBroken(deployedAt: number): Record<'steady' | 'broken', ScenarioEvent[]> {
  const timeout = (i: number) =>
    `ERROR PaymentClient - gateway timed out after ${3000 + i}ms for order ${40000 + i}`;
  const npe = (i: number) =>
    `ERROR CartService - java.lang.NullPointerException: coupon is null for cart ${i.toString(16).padStart(8, '0')}`;
  const steady = every(deployedAt - 60 * MINUTE, deployedAt + 10 * MINUTE, 2, timeout);
  const broken = byTime([
    ...steady,
    ...every(deployedAt + MINUTE, deployedAt + 10 * MINUTE, 5, npe),
  ]);
  return { steady, broken };
}

/** Timeouts in both windows, and from a minute after the deploy a NullPointerException. */
export function checkoutRegression(deployedAt: number): ScenarioEvent[] {
  return byTime([
    ...every(
      deployedAt - 60 * MINUTE,
      deployedAt + 10 * MINUTE,
      2,
      (i) => `ERROR PaymentClient - gateway timed out after ${3000 + i}ms`,
    ),
    ...every(
      deployedAt + MINUTE,
      deployedAt + 10 * MINUTE,
      5,
      (i) =>
        `ERROR CartService - java.lang.NullPointerException: coupon is null for cart ${i.toString(16).padStart(8, '0')}`,
    ),
  ]);
}

/** A credential the hostile login error carries. */
export const LEAKED_KEY = 'AKIAIOSFODNN7EXAMPLE';

/** After the deploy, beside the cascade, a login error whose text tries to ping and to link. */
export function hostileCascade(deployedAt: number): ScenarioEvent[] {
  const hostile = Array.from({ length: 18 }, (_, i) => ({
    timestamp: deployedAt + 3 * MINUTE + i * 20_000,
    message: `ERROR Login failed for <!channel> <!here> @here <@U024BE7LH> <https://evil.example/x|click here> key=${LEAKED_KEY} www.evil.example \`\`\` *bold*`,
  }));
  return byTime([...cascadeEvents(deployedAt), ...hostile]);
}

export const STATUSES = ['new', 'increased', 'unchanged', 'decreased', 'resolved'];
export const KINDS = ['oom', 'crash', 'exception', 'http-5xx', 'timeout', 'error'];
export const SOURCES = ['claude', 'statistics'];
/** Every word a field of fixed vocabulary can hold, and what the headline is made of. */
export const VOCABULARY = [
  ...new Set([...VERDICTS, ...STATUSES, ...LEVELS, ...KINDS, ...SOURCES, 'Regression', 'true']),
];
/** Where a credential stands: each word is logged as the value of each of these. */
export const CREDENTIAL_KEYS = [
  'token=',
  'password=',
  'secret: ',
  'credentials: ',
  'api_key="',
  'session_id=',
];

/**
 * The gate's log: every word of the report's vocabularies as the value of a credential-looking
 * key, steady in both windows; timeouts; and after the deploy a new exception whose lines hold
 * the vocabulary as values too.
 */
export function vocabularyRegression(deployedAt: number): ScenarioEvent[] {
  const hostile = CREDENTIAL_KEYS.flatMap((key, k) =>
    every(deployedAt - 60 * MINUTE, deployedAt + 10 * MINUTE, 1, (i) => {
      const word = VOCABULARY[(i + k) % VOCABULARY.length];
      const closing = key.endsWith('"') ? '"' : '';
      return `ERROR AuthFilter - login rejected: invalid ${key}${word}${closing} for request ${i}`;
    }),
  );
  const steady = every(
    deployedAt - 60 * MINUTE,
    deployedAt + 10 * MINUTE,
    2,
    (i) => `ERROR PaymentClient - gateway timed out after ${3000 + i}ms`,
  );
  const broken = every(
    deployedAt + MINUTE,
    deployedAt + 10 * MINUTE,
    5,
    (i) =>
      `ERROR CartService - java.lang.NullPointerException: coupon is null (token=${VOCABULARY[i % VOCABULARY.length]}, verdict=clean) for cart ${i}`,
  );
  return byTime([...hostile, ...steady, ...broken]);
}

const failureId = (i: number) => `${(0x5f3a0000 + i * 7919).toString(16)}-${i}`;

/** One log message, and under it the exception with its frames. */
function javaFailure(exception: string, frame: string) {
  return (i: number) =>
    [
      `2026-03-01 14:05:00.${String(i % 1000).padStart(3, '0')} ERROR [http-nio-8080-exec-${i % 40}] c.s.web.CheckoutController - Request failed for /api/checkout`,
      `${exception}: request ${failureId(i)}`,
      `\tat ${frame}:${100 + (i % 7)})`,
      '\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)',
      '\tat java.base/java.lang.Thread.run(Thread.java:833)',
    ].join('\n');
}

/** Signatures that must name their error: one group per case. */
export function namedFailures(deployedAt: number): Record<string, ScenarioEvent[]> {
  const before = deployedAt - 60 * MINUTE;
  const after = deployedAt + 10 * MINUTE;
  const upstream502 = every(
    before,
    after,
    2,
    (i) => `2026-03-01T14:05:00Z ERROR upstream 502 for ${failureId(i)}`,
  );
  return {
    // A TimeoutException throughout; a NullPointerException under the same message after the deploy.
    '/ecs/java': [
      ...every(
        before,
        after,
        3,
        javaFailure(
          'java.util.concurrent.TimeoutException',
          'com.shop.payments.GatewayClient.capture(GatewayClient.java',
        ),
      ),
      ...every(
        deployedAt + MINUTE,
        after,
        4,
        javaFailure(
          'java.lang.NullPointerException',
          'com.shop.checkout.CheckoutService.charge(CheckoutService.java',
        ),
      ),
    ],
    // Node.js: an uncaught TypeError whose message reads a property called `info`.
    '/ecs/node': [
      ...upstream502,
      ...every(
        deployedAt + MINUTE,
        after,
        3,
        (i) =>
          `TypeError: Cannot read properties of undefined (reading 'info')\n    at render (/app/src/profile.js:${40 + (i % 3)}:17)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`,
      ),
    ],
    // INFO lines that mention timeouts flood in after the deploy; the errors hold steady.
    '/ecs/info': [
      ...upstream502,
      ...every(
        deployedAt + MINUTE,
        after,
        30,
        (i) =>
          `2026-03-01T14:05:00Z INFO Established session 0x${failureId(i).slice(0, 8)} with negotiated timeout 30000 for client /10.0.${i % 200}.7:${40000 + i}`,
      ),
    ],
  };
}

/** Every end-to-end scenario: its log groups' events, by the time of the deploy. */
export const E2E_SCENARIOS: Record<
  string,
  (deployedAt: number) => Record<string, ScenarioEvent[]>
> = {
  'a payment incident over three streams': (at) => ({ '/ecs/api': paymentIncident(at) }),
  'a busy service': (at) => ({ '/ecs/api': busyService(at) }),
  'steady timeouts': (at) => ({ '/ecs/api': steadyTimeouts(at) }),
  'a new exception at 20 a minute': (at) => ({
    '/ecs/api': byTime([...steadyTimeouts(at), ...couponExceptions(at, 20)]),
  }),
  'a new exception from minute 7': (at) => ({
    '/ecs/api': byTime([...steadyTimeouts(at), ...couponExceptions(at, 10, 7)]),
  }),
  'steady and broken services': (at) => {
    const { steady, broken } = steadyAndBroken(at);
    return { '/ecs/steady': steady, '/ecs/broken': broken };
  },
  'a checkout regression': (at) => ({ '/ecs/checkout': checkoutRegression(at) }),
  'the cascade': (at) => ({ '/ecs/api': cascadeEvents(at) }),
  'the cascade and a hostile login error': (at) => ({ '/ecs/api': hostileCascade(at) }),
  'the report vocabulary as credentials': (at) => ({ '/ecs/checkout': vocabularyRegression(at) }),
  'failures that name their error': namedFailures,
};

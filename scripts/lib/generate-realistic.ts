/**
 * Error lines the way services log them: every line carries fresh high-cardinality values (UUIDs,
 * IPv4 and IPv6 addresses, hex ids, request ids, durations, ISO and syslog times, pod and host
 * names), about 300 templates with Zipf frequencies, in mixed formats, JSON lines and the
 * frames of stack traces among them. No value repeats by design, so no cache of words can hit.
 */
import { seededRandom } from '../../src/demo/random.js';

interface Fresh {
  int(max: number): number;
  uuid(): string;
  ip(): string;
  ipv6(): string;
  hex(length: number): string;
  requestId(): string;
  ms(): string;
  pod(): string;
  host(): string;
  iso(): string;
}

const SERVICES = [
  'checkout',
  'payments',
  'inventory',
  'search',
  'accounts',
  'shipping',
  'pricing',
  'notifications',
  'catalog',
  'orders',
];

/** 30 message shapes; with a service's own words each, 300 templates. */
const SHAPES: ReadonlyArray<(service: string, f: Fresh) => string> = [
  (s, f) => `Payment for order ${f.uuid()} failed in ${s}: card declined after ${f.ms()}`,
  (s, f) => `Timeout after ${f.ms()} calling ${s}-api at ${f.ip()}:${8000 + f.int(1000)}`,
  (s, f) => `Connection refused by ${s}-db at ${f.ip()}:5432 (attempt ${1 + f.int(5)})`,
  (s, f) => `User ${f.uuid()} not found in ${s} tenant ${f.hex(12)}`,
  (s, f) => `request_id=${f.requestId()} ${s} upstream returned 503 in ${f.ms()}`,
  (s, f) => `Deadline exceeded for ${s} trace ${f.hex(32)} span ${f.hex(16)} after ${f.ms()}`,
  (s, f) => `Rejected ${s} call from ${f.ipv6()} with token ${f.hex(24)}`,
  (s, f) => `Pod ${f.pod()} of ${s} restarted on ${f.host()}: exit code 137`,
  (s, f) => `${s} cache miss for key ${s}:${f.uuid()} took ${f.ms()}`,
  (s, f) => `Failed to publish ${s} event ${f.uuid()} to topic ${s}-events: broker ${f.ip()} down`,
  (s, f) => `Unhandled exception in ${s} handler for ${f.requestId()}: NullPointerException`,
  (s, f) => `${s} lock ${f.hex(16)} held by ${f.pod()} expired after ${f.ms()}`,
  (s, f) => `Slow query on ${s} shard ${f.int(64)}: ${f.ms()} for ${f.uuid()}`,
  (s, f) => `Circuit breaker open for ${s} after ${f.int(100)} failures from ${f.ip()}`,
  (s, f) => `Invalid signature on ${s} webhook ${f.hex(40)} from ${f.ipv6()}`,
  (s, f) => `${s} job ${f.uuid()} failed at ${f.iso()}: retry ${f.int(10)} of 10`,
  (s, f) => `Disk ${f.int(100)}% full on ${f.host()} for ${s} volume vol-${f.hex(17)}`,
  (s, f) => `TLS handshake with ${s}.internal at ${f.ip()} failed after ${f.ms()}`,
  (s, f) => `${s} worker ${f.pod()} OOMKilled using ${f.int(4096)}MiB`,
  (s, f) => `Message ${f.uuid()} in ${s} queue dead-lettered after ${f.int(20)} attempts`,
  (s, f) => `Rate limit hit for ${s} client ${f.hex(20)} from ${f.ip()}: ${f.int(1000)} req/s`,
  (s, f) => `Schema mismatch in ${s} payload ${f.requestId()}: field amount expected decimal`,
  (s, f) => `${s} session ${f.uuid()} expired at ${f.iso()}`,
  (s, f) => `DNS lookup of ${s}.svc.cluster.local failed on ${f.host()} after ${f.ms()}`,
  (s, f) => `Upstream ${s} reset the stream ${f.int(100000)} for request ${f.requestId()}`,
  (s, f) => `Object ${s}/${f.uuid()}.json missing in bucket ${s}-store (etag ${f.hex(32)})`,
  (s, f) => `${s} replica ${f.ip()} lagging ${f.ms()} behind primary ${f.ip()}`,
  (s, f) => `Health check of ${s} on ${f.pod()} failed: HTTP 500 in ${f.ms()}`,
  (s, f) => `Transaction ${f.hex(16)} rolled back in ${s}: deadlock detected by ${f.pod()}`,
  (s, f) => `Auth token for ${s} user ${f.uuid()} rejected: expired ${f.int(3600)} seconds ago`,
];

const JAVA_FRAMES = [
  '\tat com.shop.{s}.Service.handle(Service.java:{n})',
  '\tat com.shop.{s}.Controller.post(Controller.java:{n})',
  '\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:{n})',
  '\tat java.base/java.lang.Thread.run(Thread.java:{n})',
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function* generateRealisticLines(count: number, seed = 7): Generator<string> {
  const next = seededRandom(seed);
  const int = (max: number) => Math.floor(next() * max);
  const hex = (length: number) => {
    let text = '';
    for (let i = 0; i < length; i++) text += '0123456789abcdef'[int(16)];
    return text;
  };
  // Kubernetes names a pod `<deployment>-<replica set hash>-<suffix>` in this alphabet.
  const k8s = (length: number) => {
    let text = '';
    for (let i = 0; i < length; i++) text += 'bcdfghjklmnpqrstvwxz2456789'[int(27)];
    return text;
  };
  let time = Date.UTC(2026, 2, 1);
  const fresh: Fresh = {
    int,
    hex,
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(4)]}${hex(3)}-${hex(12)}`,
    ip: () => `10.${int(256)}.${int(256)}.${int(256)}`,
    ipv6: () => `2600:1f18:${hex(4)}:${hex(4)}::${hex(4)}`,
    requestId: () => `req-${hex(8)}${hex(8)}`,
    ms: () => `${int(30000)}ms`,
    pod: () => `${SERVICES[int(SERVICES.length)]}-${k8s(9 + int(2))}-${k8s(5)}`,
    host: () => `ip-10-${int(256)}-${int(256)}-${int(256)}.eu-west-1.compute.internal`,
    iso: () => new Date(time - int(60_000)).toISOString(),
  };
  const templates = SERVICES.flatMap((service) => SHAPES.map((shape) => ({ service, shape })));
  // Zipf: the k-th template is logged in proportion to 1/k.
  const cumulative: number[] = [];
  let total = 0;
  templates.forEach((_, k) => cumulative.push((total += 1 / (k + 1))));
  const pick = () => {
    const target = next() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle] < target) low = middle + 1;
      else high = middle;
    }
    return templates[low];
  };

  for (let i = 0; i < count;) {
    time += int(20);
    const t = new Date(time);
    const { service, shape } = pick();
    const message = shape(service, fresh);
    const format = int(10);
    let line: string;
    if (format < 3) {
      line = `${t.toISOString()} ERROR [${fresh.pod()}] c.s.${service}.Service - ${message}`;
    } else if (format < 5) {
      line = JSON.stringify({
        time: t.toISOString(),
        level: 'error',
        service,
        msg: message,
        trace_id: hex(32),
        pod: fresh.pod(),
      });
    } else if (format < 6) {
      const day = String(t.getUTCDate()).padStart(2, ' ');
      line = `${MONTHS[t.getUTCMonth()]} ${day} ${t.toISOString().slice(11, 19)} ${fresh.host()} ${service}[${int(32768)}]: error: ${message}`;
    } else if (format < 7) {
      line = `level=error ts=${t.toISOString()} caller=${service}.go:${int(400)} request_id=${fresh.requestId()} msg="${message}"`;
    } else if (format < 8) {
      line = `${t.toISOString().slice(0, 19).replace('T', ' ')},${String(t.getUTCMilliseconds()).padStart(3, '0')} ERROR ${service}.worker: ${message}`;
    } else {
      line = `${t.toISOString()} ${fresh.pod()} ERROR ${message}`;
    }
    yield line;
    i++;
    // Now and then a stack trace, one line per frame as CloudWatch stores them.
    if (int(25) === 0) {
      for (const frame of JAVA_FRAMES) {
        if (i >= count) break;
        yield frame.replace('{s}', service).replace('{n}', String(20 + int(400)));
        i++;
      }
    }
  }
}

/**
 * The canonical cascade: a commit reads whole PDFs into memory; the heap runs out, the container
 * is killed (exit code 137), the MongoDB pool cannot reconnect, health checks fail. The symptom
 * (ECONNREFUSED) is the most frequent signature; the root (out of memory) comes first. A second
 * commit touches the MongoDB client, so the symptom has a suspect of its own: the wrong one.
 */
export const MINUTE = 60_000;

export interface CascadeEvent {
  timestamp: number;
  message: string;
}

const NODE_OOM = [
  '',
  '<--- Last few GCs --->',
  '',
  '[8:0x6a3c2c0]    56412 ms: Mark-sweep 2037.4 (2065.1) -> 2036.9 (2065.6) MB, 1321.7 / 0.0 ms  (average mu = 0.121, current mu = 0.003) allocation failure',
  '',
  '<--- JS stacktrace --->',
  '',
  'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
  ' 1: 0xb09c10 node::Abort() [node]',
  ' 2: 0xa1c193 node::FatalError(char const*, char const*) [node]',
].join('\n');

function every(from: number, to: number, periodMs: number, message: (i: number) => string) {
  const events: CascadeEvent[] = [];
  for (let t = from, i = 0; t < to; t += periodMs, i++)
    events.push({ timestamp: t, message: message(i) });
  return events;
}

/** Baseline noise an hour before, and the cascade from two minutes after the deploy. */
export function cascadeEvents(deployedAt: number): CascadeEvent[] {
  const onset = deployedAt + 2 * MINUTE;
  const end = deployedAt + 10 * MINUTE;
  return [
    ...every(
      deployedAt - 60 * MINUTE,
      end,
      MINUTE / 2,
      (i) => `2026-03-01T14:00:00.000Z ERROR PaymentClient - gateway timed out after ${3000 + i}ms`,
    ),
    ...every(onset, end, MINUTE, () => NODE_OOM),
    ...every(
      onset + 7_000,
      end,
      MINUTE,
      (i) =>
        `ERROR ECS task ${(0xa3f0 + i).toString(16)}: Essential container in task exited: exit code 137 (OutOfMemoryError: Container killed due to memory usage)`,
    ),
    ...every(
      onset + 10_000,
      end,
      MINUTE / 5,
      (i) =>
        `2026-03-01T14:07:00.000Z ERROR MongoServerSelectionError: connect ECONNREFUSED 10.0.3.${i % 200}:27017`,
    ),
    ...every(
      onset + 15_000,
      end,
      MINUTE / 2,
      (i) =>
        `2026-03-01T14:07:00.000Z ERROR Health check failed for target 10.0.1.${i % 200}:8080: 503`,
    ),
  ].sort((a, b) => a.timestamp - b.timestamp);
}

export const CASCADE_COMMITS = {
  base: '1'.repeat(40),
  culprit: 'f67958d' + 'a'.repeat(33),
  mongo: 'b'.repeat(40),
  head: 'c'.repeat(40),
};

/** The range as the GitHub fake serves it. */
export const CASCADE_REPOSITORY = {
  commits: [
    { sha: CASCADE_COMMITS.base, message: 'Release 41' },
    {
      sha: CASCADE_COMMITS.culprit,
      message: 'Preview uploaded PDFs',
      files: [
        {
          filename: 'src/uploads/preview.js',
          patch:
            '@@ -10,3 +10,5 @@ async function preview(upload) {\n-  const stream = fs.createReadStream(upload.path);\n+  // Keep the whole PDF in memory for the preview renderer.\n+  const pdf = await fs.promises.readFile(upload.path);\n+  return render(Buffer.from(pdf));',
        },
      ],
    },
    {
      sha: CASCADE_COMMITS.mongo,
      message: 'MongoDB: shorter server selection timeout',
      files: [
        {
          filename: 'src/db/mongo.js',
          patch:
            '@@ -3,3 +3,3 @@\n-  await client.connect({ serverSelectionTimeoutMS: 30000 });\n+  await client.connect({ serverSelectionTimeoutMS: 5000 });',
        },
      ],
    },
    { sha: CASCADE_COMMITS.head, message: 'CI: cache npm' },
  ],
  pulls: { [CASCADE_COMMITS.head]: [{ number: 12, merge_commit_sha: CASCADE_COMMITS.head }] },
};

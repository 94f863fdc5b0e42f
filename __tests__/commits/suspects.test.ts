/**
 * Suspect ranking on a range read from the fake GitHub: the culprit among harmless commits (a
 * docs change that names the same words, a lockfile bump, a CI change) is named with evidence a
 * person can check, and an error no diff explains gets no suspect.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createGitHubClient,
  rankSuspects,
  resolveRange,
  unexplainedFindings,
  type CommitRange,
} from '../../src/commits/index.js';
import type { Finding } from '../../src/compare/index.js';
import { startFakeGitHub, type FakeCommit, type FakeGitHub } from '../fakes/github.js';

const sha = (n: number) => n.toString(16).padStart(40, 'c');

const commits: FakeCommit[] = [
  { sha: sha(1), message: 'Base', files: [] },
  {
    sha: sha(2),
    message: 'Docs: explain how CouponService applies a discount',
    files: [
      {
        filename: 'docs/coupons.md',
        patch:
          '@@ -1,2 +1,6 @@\n+## CouponService\n+CouponService calls applyCoupon for each discount.\n+A missing discount is skipped.',
      },
    ],
  },
  {
    sha: sha(3),
    message: 'Bump lodash from 4.17.20 to 4.17.21',
    files: [
      {
        filename: 'package-lock.json',
        patch: '@@ -10,3 +10,3 @@\n-      "version": "4.17.20",\n+      "version": "4.17.21",',
      },
    ],
  },
  {
    sha: sha(4),
    message: 'Apply stacked coupons',
    files: [
      {
        filename: 'src/checkout/coupons.ts',
        patch:
          '@@ -40,5 +40,7 @@ export function applyCoupon(cart: Cart) {\n-  return cart.total - cart.coupon.discount;\n+  let total = cart.total;\n+  for (const code of cart.codes) total -= coupons.get(code).discount;\n+  return total;',
      },
      {
        filename: 'src/checkout/coupons.test.ts',
        patch: '@@ -1 +1,3 @@\n+it("applies two coupons", () => applyCoupon(cart));',
      },
    ],
  },
  {
    sha: sha(5),
    message: 'CI: cache node_modules',
    files: [
      {
        filename: '.github/workflows/ci.yml',
        patch:
          '@@ -20 +20,3 @@\n+      - uses: actions/cache@v4\n+        with: { path: node_modules }',
      },
    ],
  },
  {
    sha: sha(6),
    message: 'Limit reservations per warehouse',
    files: [
      {
        filename: 'src/inventory/reserve.ts',
        patch:
          '@@ -12 +12,4 @@\n+  if (count > limit) {\n+    throw new Error(`reservation quota exceeded for warehouse ${id}`);\n+  }',
      },
    ],
  },
];

function finding(id: string, template: string, examples: string[]): Finding {
  return {
    id,
    template,
    level: 'error',
    kind: 'exception',
    logGroups: ['/ecs/shop'],
    before: 0,
    after: 30,
    examples,
    status: 'new',
    flagged: true,
    beforeRate: 0,
    afterRate: 3,
    ratio: null,
    ratioInterval: [2, null],
    pValue: 1e-9,
    adjustedPValue: 1e-8,
    why: 'new after the deploy',
  };
}

const typeError = finding(
  'sig-coupon',
  "ERROR CouponService - TypeError: Cannot read properties of undefined (reading 'discount')",
  [
    "ERROR CouponService - TypeError: Cannot read properties of undefined (reading 'discount')\n    at applyCoupon (/app/dist/src/checkout/coupons.ts:42:17)\n    at checkout (/app/dist/src/checkout/index.ts:88:3)",
  ],
);
const quota = finding(
  'sig-quota',
  'ERROR InventoryClient - reservation quota exceeded for warehouse <NUM>',
  ['ERROR InventoryClient - reservation quota exceeded for warehouse 17'],
);
const unexplained = finding('sig-dns', 'ERROR getaddrinfo EAI_AGAIN redis.internal', [
  'ERROR getaddrinfo EAI_AGAIN redis.internal',
]);

let github: FakeGitHub;
let range: CommitRange;

beforeAll(async () => {
  github = await startFakeGitHub({ commits });
  range = await resolveRange({
    octokit: createGitHubClient('t', { baseUrl: github.url }),
    repo: { owner: 'acme', repo: 'shop' },
    event: { name: 'push', base: sha(1), head: sha(6) },
  });
});

afterAll(async () => github?.close());

describe('rankSuspects', () => {
  it('names the culprit over a docs change with the same words, a lockfile bump and CI', () => {
    expect(range.commits).toHaveLength(5);
    const [suspect] = rankSuspects([typeError], range);
    expect(suspect.sha).toBe(sha(4));
    expect(suspect.signatureId).toBe('sig-coupon');
    expect(suspect.reason).toContain('"Apply stacked coupons"');
    expect(suspect.reason).toContain(
      'changes src/checkout/coupons.ts, which is in the stack trace',
    );
    expect(suspect.reason).toMatch(/`applyCoupon`/);
  });

  it('finds the commit of a log-only error (no stack trace) by the words it added', () => {
    const [suspect] = rankSuspects([quota], range);
    expect(suspect.sha).toBe(sha(6));
    expect(suspect.reason).toMatch(
      /adds lines with .*`reservation`.*in src\/inventory\/reserve\.ts/,
    );
  });

  it('names no suspect when no diff has evidence, and says so', () => {
    const findings = [typeError, quota, unexplained];
    const suspects = rankSuspects(findings, range);
    expect(suspects.map((s) => s.signatureId)).toEqual(['sig-coupon', 'sig-quota']);
    const notes = unexplainedFindings(findings, suspects, range);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/No commit of the 5 read has evidence for sig-dns/);
  });

  it('weighs docs, lockfiles, tests and CI little: words in docs alone are weak evidence', () => {
    const docsOnly: CommitRange = {
      commits: range.commits.filter((c) => c.sha !== sha(4)),
      notes: [],
    };
    const [weak] = rankSuspects([typeError], docsOnly);
    const [strong] = rankSuspects([typeError], range);
    expect(weak.sha).toBe(sha(2));
    expect(weak.score).toBeLessThan(strong.score / 4);
  });

  it('matches stack-frame files by their folder too: another index.ts is no evidence', () => {
    const other: CommitRange = {
      notes: [],
      commits: [
        {
          sha: sha(9),
          subject: 'Tidy the admin index',
          files: [{ path: 'src/admin/index.ts', patch: '@@ -1 +1 @@\n+export {};' }],
        },
      ],
    };
    expect(rankSuspects([typeError], other)).toEqual([]);
  });

  it('takes the logger or component named in the error to the file of that name', () => {
    const logger = finding('sig-ledger', 'ERROR LedgerWriter - write rejected: <NUM>', [
      'ERROR LedgerWriter - write rejected: 409',
    ]);
    const changed: CommitRange = {
      notes: [],
      commits: [
        {
          sha: sha(10),
          subject: 'Batch ledger writes',
          files: [
            { path: 'src/ledger/LedgerWriter.kt', patch: '@@ -3 +3 @@\n-  flush()\n+  batch()' },
          ],
        },
      ],
    };
    const [suspect] = rankSuspects([logger], changed);
    expect(suspect.reason).toMatch(
      /changes src\/ledger\/LedgerWriter\.kt, named like `LedgerWriter`/,
    );
  });

  it('ignores signatures that were not flagged new or increased', () => {
    expect(rankSuspects([{ ...typeError, status: 'unchanged', flagged: false }], range)).toEqual(
      [],
    );
  });

  it('never matches a placeholder name, and matches words as whole identifiers', () => {
    const timedOut = finding('sig-time', 'ERROR Upstream call at <TIME> from <HOST> failed', [
      'ERROR Upstream call at 14:05:00 from db.internal:5432 failed',
    ]);
    const local: CommitRange = {
      commits: [
        {
          sha: sha(9),
          subject: 'Raise the TIMEOUT and the HOSTNAME default',
          files: [
            {
              path: 'src/config/defaults.ts',
              patch:
                '@@ -1,2 +1,2 @@\n+export const TIMEOUT = 30;\n+export const HOSTNAME = "db";\n+const UPSTREAMS = 2;',
            },
          ],
        },
      ],
      notes: [],
    };
    expect(rankSuspects([timedOut], local)).toEqual([]);
  });
});

import type { Report, ReportSignature } from '../../src/report/index.js';

/** A flagged new NullPointerException, with whatever the test overrides. */
export function signature(overrides: Partial<ReportSignature> = {}): ReportSignature {
  return {
    id: 'abc123def0',
    template: 'ERROR CartService - NullPointerException for cart <HEX>',
    logGroups: ['/ecs/checkout'],
    status: 'new',
    before: 0,
    after: 40,
    examples: [
      'ERROR CartService - NullPointerException for cart 9f3c2a1b\n\tat CartService.applyCoupon(CartService.java:142)',
    ],
    level: 'error',
    kind: 'exception',
    flagged: true,
    beforeRatePerMinute: 0,
    afterRatePerMinute: 4,
    ratio: null,
    ratioInterval95: [3, null],
    pValue: 1e-9,
    adjustedPValue: 1e-8,
    why: 'rate rose beyond the minimum effect',
    ...overrides,
  };
}

/** A regression report on one log group around the signatures given. */
export function report(signatures: ReportSignature[]): Report {
  return {
    version: '0.0.0',
    verdict: 'regression',
    reason: '1 new error signature after the deploy',
    summary: 'regression: 1 new error signature after the deploy',
    deployedAt: { time: '2026-11-20T14:10:00.000Z', source: 'input' },
    windows: {
      baseline: { start: '2026-11-20T13:10:00.000Z', end: '2026-11-20T14:10:00.000Z' },
      after: { start: '2026-11-20T14:10:00.000Z', end: '2026-11-20T14:20:00.000Z' },
    },
    logGroups: ['/ecs/checkout'],
    sources: { read: ['/ecs/checkout'], failed: [] },
    events: { baseline: 100, after: 60 },
    signatures,
    suspects: [
      {
        sha: '3f9e8d7c6b5a49382716a5b4c3d2e1f0a9b8c7d6',
        signatureId: 'abc123def0',
        score: 7,
        reason: 'changes CartService.java',
      },
    ],
    commits: { base: 'aaaaaaa', head: 'bbbbbbb', count: 4, notes: [] },
    analysis: {
      source: 'statistics',
      summary: 'A new NPE.',
      nextSteps: [],
      citedSignatures: [],
      citedCommits: [],
    },
    usage: { input_tokens: 0, output_tokens: 0 },
    notes: [],
    context: {
      region: 'eu-west-1',
      repositoryUrl: 'https://github.com/acme/shop',
      runUrl: 'https://github.com/acme/shop/actions/runs/42',
    },
  };
}

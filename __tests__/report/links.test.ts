import { describe, expect, it } from '@jest/globals';
import { insightsUrl, logGroupUrl, signatureQuery } from '../../src/report/links.js';

/** Undo the console's encoding: `$` → `%`, URI-decode, then legacy-unescape, then `*` → `%`. */
function decodeDetail(url: string): string {
  const fragment = url.split('#logsV2:logs-insights')[1];
  const escaped = decodeURIComponent(fragment.replace(/\$/g, '%'));
  return escaped.replace(/%([0-9A-F]{2})/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

describe('CloudWatch console links', () => {
  it('encodes a Logs Insights query the way the console reads it', () => {
    const url = insightsUrl({
      region: 'eu-west-1',
      logGroups: ['/ecs/a', '/ecs/b'],
      start: '2026-11-20T13:10:00.000Z',
      end: '2026-11-20T14:20:00.000Z',
      query: 'fields @message | filter @message like "x y"',
    });
    expect(
      url.startsWith(
        'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:logs-insights$3FqueryDetail$3D',
      ),
    ).toBe(true);
    const detail = decodeDetail(url);
    expect(detail).toBe(
      "?queryDetail=~(end~'2026-11-20T14*3A20*3A00.000Z~start~'2026-11-20T13*3A10*3A00.000Z~timeType~'ABSOLUTE~tz~'UTC~editorString~'fields*20*40message*20*7C*20filter*20*40message*20like*20*22x*20y*22~source~(~'*2Fecs*2Fa~'*2Fecs*2Fb))",
    );
  });

  it('links a log group by name or ARN', () => {
    expect(logGroupUrl('us-east-1', '/ecs/a')).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Fecs$252Fa',
    );
    expect(logGroupUrl('us-east-1', 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/a')).toBe(
      logGroupUrl('us-east-1', '/ecs/a'),
    );
  });

  it("queries a signature's longest constant run", () => {
    expect(
      signatureQuery('ERROR <TS> payment gateway timed out after <NUM> for order <NUM>'),
    ).toContain('filter @message like "payment gateway timed out after"');
    expect(signatureQuery('<NUM> say "hi" to <NUM>')).toContain('like "say \\"hi\\" to"');
    expect(signatureQuery('ERROR Checkout failed for cart <HEX>')).toContain(
      'like "ERROR Checkout failed for cart"',
    );
  });
});

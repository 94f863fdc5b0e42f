/** Links from the report to the places a person checks next: CloudWatch, the commit, the run. */
import { wellFormed } from '../text.js';

/**
 * A value of the console's `queryDetail` object: strings start with `'` and have `%` as `*`;
 * arrays are `(~item~item)`.
 */
function consoleValue(value: string | string[]): string {
  const encode = (text: string) => `'${encodeURIComponent(wellFormed(text)).replace(/%/g, '*')}`;
  return Array.isArray(value)
    ? `(${value.map((item) => `~${encode(item)}`).join('')})`
    : encode(value);
}

/**
 * A CloudWatch Logs Insights console link that runs `query` over the given groups and times.
 * The console's format: a `~(key~value…)` object, escaped, then URI-encoded with `%` as `$`.
 */
export function insightsUrl(options: {
  region: string;
  logGroups: string[];
  start: string;
  end: string;
  query: string;
}): string {
  const detail = `~(end~${consoleValue(options.end)}~start~${consoleValue(options.start)}~timeType~'ABSOLUTE~tz~'UTC~editorString~${consoleValue(options.query)}~source~${consoleValue(options.logGroups)})`;
  const fragment = encodeURIComponent(`?queryDetail=${legacyEscape(detail)}`).replace(/%/g, '$');
  return `${consoleBase(options.region)}#logsV2:logs-insights${fragment}`;
}

/** The log group's page in the CloudWatch console. */
export function logGroupUrl(region: string, logGroup: string): string {
  const name = logGroup.replace(/^arn:[^:]*:logs:[^:]*:\d+:log-group:/, '');
  const encoded = encodeURIComponent(encodeURIComponent(wellFormed(name))).replace(/%/g, '$');
  return `${consoleBase(region)}#logsV2:log-groups/log-group/${encoded}`;
}

function consoleBase(region: string): string {
  const host = region.startsWith('cn-')
    ? 'console.amazonaws.cn'
    : region.startsWith('us-gov-')
      ? 'console.amazonaws-us-gov.com'
      : `${region}.console.aws.amazon.com`;
  return `https://${host}/cloudwatch/home?region=${region}`;
}

/** JavaScript's legacy `escape()`: like encodeURIComponent but also encodes `~ ( ) ' !`. */
function legacyEscape(text: string): string {
  return text.replace(/[^A-Za-z0-9@*_+\-./]/g, (char) => {
    const code = char.charCodeAt(0);
    return code < 256
      ? `%${code.toString(16).toUpperCase().padStart(2, '0')}`
      : `%u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  });
}

/**
 * A Logs Insights query for one signature: its longest run of constant words as a literal, so a
 * person lands on the same lines the signature counts.
 */
export function signatureQuery(template: string): string {
  const runs = template.split(/\s*\S*<[A-Z*]+>\S*\s*/).map((run) => run.trim());
  const longest = runs.reduce((best, run) => (run.length > best.length ? run : best), '');
  const literal = longest.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return `fields @timestamp, @logStream, @message\n| filter @message like "${literal}"\n| sort @timestamp asc\n| limit 200`;
}

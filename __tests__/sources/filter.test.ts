import { describe, expect, it } from '@jest/globals';
import { ConfigError, DEFAULT_FILTER_PATTERN } from '../../src/config.js';
import { compileFilterPattern } from '../../src/sources/filter.js';

function selected(pattern: string, messages: string[]): string[] {
  const matches = compileFilterPattern(pattern);
  return messages.filter((message) => matches(message));
}

describe('compileFilterPattern', () => {
  it('matches everything when the pattern is empty', () => {
    expect(selected('  ', ['', 'anything'])).toEqual(['', 'anything']);
  });

  it('needs every term (AND)', () => {
    expect(selected('ERROR db', ['ERROR db down', 'ERROR cache', 'db ok'])).toEqual([
      'ERROR db down',
    ]);
  });

  it('needs one of the ?terms (OR)', () => {
    expect(selected('?ERROR ?WARN', ['ERROR a', 'WARN b', 'INFO c'])).toEqual([
      'ERROR a',
      'WARN b',
    ]);
  });

  it('excludes -terms', () => {
    expect(selected('ERROR -DEBUG', ['ERROR x', 'ERROR DEBUG x', 'DEBUG'])).toEqual(['ERROR x']);
  });

  it('matches terms case-sensitively as whole words', () => {
    const messages = [
      'java.lang.NullPointerException: x',
      'Exception in thread main',
      'caught exception',
      '[Exception]',
      'error_code=Exception',
    ];
    expect(selected('Exception', messages)).toEqual([
      'Exception in thread main',
      '[Exception]',
      'error_code=Exception',
    ]);
  });

  it('matches quoted phrases as substrings, with escaped quotes', () => {
    expect(
      selected('"connection refused"', ['dial: connection refused', 'connection was refused']),
    ).toEqual(['dial: connection refused']);
    expect(selected('"say \\"hi\\""', ['they say "hi" here', 'say hi'])).toEqual([
      'they say "hi" here',
    ]);
    expect(
      selected('?"out of memory" ?OOMKilled', ['pod OOMKilled', 'out of memory', 'memory ok']),
    ).toEqual(['pod OOMKilled', 'out of memory']);
  });

  it('evaluates %regex% case-sensitively', () => {
    expect(selected('%5\\d\\d%', ['status 503', 'status 404'])).toEqual(['status 503']);
    expect(selected('%ERROR|FATAL%', ['FATAL x', 'error y', 'ERROR z'])).toEqual([
      'FATAL x',
      'ERROR z',
    ]);
  });

  it('rejects JSON and space-delimited patterns with a ConfigError naming the input', () => {
    for (const pattern of ['{ $.level = "error" }', '[ip, user, status=5*]']) {
      const attempt = () => compileFilterPattern(pattern);
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(
        /^Invalid filter-pattern: .*JSON and space-delimited patterns need CloudWatch/,
      );
      expect(attempt).toThrow(JSON.stringify(pattern));
    }
  });

  it('rejects an invalid regex and an unclosed quote with a ConfigError', () => {
    expect(() => compileFilterPattern('%(unclosed%')).toThrow(
      /^Invalid filter-pattern: "%\(unclosed%"/,
    );
    expect(() => compileFilterPattern('%ERROR')).toThrow(ConfigError);
    expect(() => compileFilterPattern('ERROR "half')).toThrow(ConfigError);
  });
});

describe('DEFAULT_FILTER_PATTERN on local logs', () => {
  const matches = compileFilterPattern(DEFAULT_FILTER_PATTERN);

  it.each([
    '2026-03-01T14:00:00Z ERROR payment failed',
    'java.lang.NullPointerException: items is null',
    'Traceback (most recent call last):',
    '{"level":"error","msg":"db down"}',
    '{"level":50,"msg":"pino error level"}',
    '{"level":60,"msg":"pino fatal level"}',
    'container exited: exit code 137',
    'panic: runtime error: index out of range',
    'upstream request timed out',
    '10.0.0.1 - - [01/Mar/2026:14:00:00 +0000] "GET /api/orders HTTP/1.1" 503 512',
  ])('selects %s', (message) => {
    expect(matches(message)).toBe(true);
  });

  it.each([
    '2026-03-01T14:00:00Z INFO request completed in 12 ms',
    '2026-03-01T14:00:00Z WARN slow query took 1200 ms',
    '{"level":30,"msg":"request completed"}',
    '{"level":40,"msg":"cache miss"}',
    '10.0.0.1 - - [01/Mar/2026:14:00:00 +0000] "GET /api/orders HTTP/1.1" 200 512',
  ])('does not select %s', (message) => {
    expect(matches(message)).toBe(false);
  });
});

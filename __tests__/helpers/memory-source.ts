import type { PipelineConfig } from '../../src/pipeline.js';
import type { LogEvent, LogSource, WindowName } from '../../src/sources/types.js';

/** A log source over in-memory messages, for tests of the stages after `sources`. */
export function memorySource(
  name: string,
  windows: Record<WindowName, string[]>,
  options: { fail?: Error; loggedAnything?: boolean } = {},
): LogSource {
  return {
    name,
    async *events(window): AsyncIterable<LogEvent> {
      if (options.fail) throw options.fail;
      for (const message of windows[window]) yield { message, logGroup: name };
      await Promise.resolve();
    },
    loggedAnything: () => Promise.resolve(options.loggedAnything ?? true),
  };
}

/** `count` copies of a message whose numbers vary, as real occurrences of one error do. */
export function repeat(count: number, template: (i: number) => string): string[] {
  return Array.from({ length: count }, (_, i) => template(i));
}

/** The windows of the pipeline tests: an hour of baseline, ten minutes after a deploy at 1h. */
export function pipelineConfig(logGroup: string): PipelineConfig {
  return {
    logGroups: [logGroup],
    deployedAt: 3_600_000,
    deployedAtSource: 'input',
    soakMs: 600_000,
    baselineMs: 3_600_000,
    model: 'claude-sonnet-5-5',
    maxPromptTokens: 20_000,
  };
}

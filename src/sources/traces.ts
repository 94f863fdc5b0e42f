import { redact } from '../redact.js';
import type { EventRef, LogSource } from './types.js';

interface WithExample {
  flagged: boolean;
  examples: string[];
  exampleRef?: EventRef & { source: string };
}

/** Flagged signatures whose trace is recovered, at most: each costs one read. */
const MAX_RECOVERED = 10;

/**
 * Gives the first example of each flagged signature its stack trace back, from the lines its
 * stream logged right after it (see LogSource.surrounding). A read that fails leaves the
 * example as it was: the trace helps the explanation, the verdict never depends on it.
 */
export async function recoverTraces<T extends WithExample>(
  signatures: T[],
  sources: LogSource[],
  signal?: AbortSignal,
): Promise<T[]> {
  const wanted = signatures
    .filter((s) => s.flagged && s.exampleRef && !s.examples[0]?.includes('\n'))
    .slice(0, MAX_RECOVERED);
  const traces = new Map<T, string>();
  await Promise.all(
    wanted.map(async (signature) => {
      const ref = signature.exampleRef!;
      const source = sources.find((candidate) => candidate.name === ref.source);
      if (!source?.surrounding) return;
      const trace = await source.surrounding(ref, signal).catch(() => undefined);
      if (trace) traces.set(signature, redact(trace));
    }),
  );
  return signatures.map((signature) => {
    const trace = traces.get(signature);
    return trace ? { ...signature, examples: [trace, ...signature.examples.slice(1)] } : signature;
  });
}

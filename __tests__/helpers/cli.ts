import { Readable } from 'node:stream';
import { main, type Io } from '../../src/commands.js';

/** One CLI invocation in-process, with stdin, a fixed clock and what it printed. */
export async function runCli(
  args: string[],
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: {},
    stdin: Readable.from([stdin]),
    now: () => Date.UTC(2026, 10, 24, 12, 0, 0),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

#!/usr/bin/env node
import { main } from './commands.js';

/**
 * A reader that stops early (`| head`) closes the pipe: what is left to print is dropped, and
 * the run goes on to its end (a Slack post, its exit code) without a word about it.
 */
function quietWhenClosed(stream: NodeJS.WriteStream): (text: string) => void {
  let open = true;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    open = false;
  });
  return (text) => {
    if (open) stream.write(text);
  };
}

process.exitCode = await main(process.argv.slice(2), {
  stdout: quietWhenClosed(process.stdout),
  stderr: quietWhenClosed(process.stderr),
  env: process.env,
  stdin: process.stdin,
  now: Date.now,
  terminal: process.stdout.isTTY === true,
  columns: process.stdout.columns,
  progress: process.stderr.isTTY === true,
});

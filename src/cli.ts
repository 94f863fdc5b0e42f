#!/usr/bin/env node
import { main } from './commands.js';

// A reader that stops early (`| head`) closes the pipe: stop quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  stdin: process.stdin,
  now: Date.now,
  terminal: process.stdout.isTTY === true,
  columns: process.stdout.columns,
  progress: process.stderr.isTTY === true,
});

#!/usr/bin/env node
import { main } from '../dist/main.js';

// A reader that stops early (`k8s-security render | head -1`) closes the pipe: that is not an
// error worth a stack trace, so the command ends quietly with the status it has so far.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  // A getter: touching process.stdin opens it, and a command that reads no stdin should not.
  get stdin() {
    return process.stdin;
  },
  env: process.env,
});

/** `trailguard` entry (run by bin/trailguard.mjs through tsx): wires the CLI to this process. */
import { main } from '../cli/main';

/** Exit code of a process whose output reader went away (128 + SIGPIPE), as Unix tools end on a broken pipe. */
export const BROKEN_PIPE_EXIT = 141;

export async function run(argv: string[]): Promise<number> {
  // `trailguard scan ... | head`: when the reader closes the pipe, stop quietly instead of printing a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(BROKEN_PIPE_EXIT);
    throw error;
  });
  return main(argv, {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    stdin: process.stdin,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
  });
}

/** `trailguard` entry (run by bin/trailguard.mjs through tsx): wires the CLI to this process. */
import { main } from '../cli/main';

export async function run(argv: string[]): Promise<number> {
  return main(argv, {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    stdin: process.stdin,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
  });
}

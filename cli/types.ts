/** What a command gets: its arguments (after the command words) and where to write. */
export interface CommandContext {
  readonly args: readonly string[];
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Standard input, for commands that read `-`. */
  readonly stdin?: NodeJS.ReadableStream;
  /** Whether stdout/stderr are terminals (tables and progress bars only there). */
  readonly stdoutIsTTY?: boolean;
  readonly stderrIsTTY?: boolean;
}

/**
 * One CLI command. Exit codes: 0 ok, 1 runtime failure (an input could not be read, AWS refused...), 2 usage
 * error; a command may define more (for example `scan --fail-on`) and documents them in its usage.
 */
export interface Command {
  /** Full usage text for `trailguard <command> --help`. */
  readonly usage: string;
  run(context: CommandContext): Promise<number>;
}

/** A command as the registry knows it before loading it (`cli/commands/index.ts`). */
export interface CommandEntry {
  /** The words that select it, e.g. `['rules', 'list']`. */
  readonly path: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  /** Imports the command's module. */
  readonly load: () => Promise<Command>;
}

/** A usage error: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

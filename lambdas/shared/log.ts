/** The logging a helper needs; Powertools' Logger satisfies it, tests pass a recorder. */
export interface Log {
  debug(message: string, extra: Record<string, unknown>): void;
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

/** A Log that keeps entries in memory (tests, and the CLI's quiet mode). */
export function recordingLog(): Log & {
  readonly entries: { level: string; message: string; extra: Record<string, unknown> }[];
} {
  const entries: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, extra: Record<string, unknown>) => {
    entries.push({ level, message, extra });
  };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

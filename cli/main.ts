import { COMMANDS } from './commands';
import { type CommandContext, type CommandEntry, UsageError } from './types';

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.path.join(' ').length));
  return [
    'usage: trailguard <command> [options]   (trailguard <command> --help for its options)',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

/** Finds the command whose words start argv, longest match first. */
function select(argv: readonly string[]): { entry: CommandEntry; args: string[] } | undefined {
  const sorted = [...COMMANDS].sort((a, b) => b.path.length - a.path.length);
  for (const entry of sorted) {
    if (entry.path.every((word, i) => argv[i] === word))
      return { entry, args: argv.slice(entry.path.length) };
  }
  return undefined;
}

/** The CLI. Exit codes: 0 ok, 1 runtime failure, 2 usage error (commands may add their own). */
export async function main(argv: string[], io: Omit<CommandContext, 'args'>): Promise<number> {
  const [first] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    io.out(overview());
    return 0;
  }
  const selected = select(argv);
  if (!selected) {
    io.err(`unknown command: ${argv.join(' ')}\n\n${overview()}`);
    return 2;
  }
  const { entry, args } = selected;
  const command = await entry.load();
  if (args.includes('--help') || args.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run({ ...io, args });
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(error as Error).message}\n\nusage: ${command.usage}`);
      return 2;
    }
    io.err(`trailguard ${entry.path.join(' ')}: ${(error as Error).message}`);
    return 1;
  }
}

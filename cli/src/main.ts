// The `surv` command line. Bundled by scripts/build.mjs into bin/surv.cjs; one module
// per command (check.ts, ...), registered here.
import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { registerCheck } from './check.js';
import { registerDiagram } from './diagram.js';
import { registerExport } from './export.js';
import { registerReplay } from './replay.js';
import { registerSimulate } from './simulate.js';
import { registerTrace } from './trace.js';
import { registerVerify } from './verify.js';
import { CliError, exit } from './errors.js';
import type { CommandContext } from './io.js';
import { terminalLines, terminalText } from './terminal-text.js';

export const version: string = packageJson.version;

export function createProgram(context: CommandContext): Command {
  const program = new Command('surv')
    .description('Branch survival routing for SIP: check .surv designs.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    // Settings made before `.command()` are inherited by every subcommand.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout(text),
      writeErr: (text) => context.stderr(text),
      // Commander quotes the arguments it did not understand, which may be a hostile file name.
      outputError: (text, write) => write(`surv: ${terminalLines(text.replace(/^error: /, ''))}`),
    })
    .showHelpAfterError('(add --help for usage)');
  registerCheck(program, context, version);
  registerSimulate(program, context);
  registerVerify(program, context);
  registerDiagram(program, context);
  registerExport(program, context, version);
  registerReplay(program, context, version);
  registerTrace(program, context, version);
  return program;
}

/** Parses `argv` (as `process.argv`), runs the command and returns the exit code. Never throws. */
export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  try {
    await createProgram(context).parseAsync([...argv]);
    return context.exitCode;
  } catch (error) {
    return report(error, context);
  }
}

function report(error: unknown, context: CommandContext): number {
  // Commander has printed its message (or the help, or the version) already.
  if (error instanceof CommanderError) return error.exitCode === 0 ? exit.ok : exit.usage;
  if (error instanceof CliError) {
    context.stderr(`surv: ${error.message}\n`);
    return error.exitCode;
  }
  return internalError(error, context);
}

/** A bug in surv: one line for the user, the stack only on request (SURV_DEBUG=1). */
function internalError(error: unknown, context: CommandContext): number {
  const message = error instanceof Error ? error.message : String(error);
  context.stderr(`surv: internal error: ${terminalText(message)}\n`);
  if (process.env['SURV_DEBUG'] && error instanceof Error && error.stack) context.stderr(`${error.stack}\n`);
  return exit.usage;
}

function start(): void {
  const context: CommandContext = {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    exitCode: exit.ok,
  };
  // `surv check ... | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? exit.ok);
    process.exit(internalError(error, context));
  });
  process.on('uncaughtException', (error) => process.exit(internalError(error, context)));
  // process.exitCode, not process.exit(): output still buffered for a pipe gets written.
  void run(process.argv, context).then((code) => {
    process.exitCode = code;
  });
}

start();

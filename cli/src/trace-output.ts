// Where `surv trace` writes as it goes: stdout, one file (written beside its final name and
// renamed into place at the end, so a reader never sees half a report and an interrupted
// run leaves the previous report), or a folder with one file per call (mmd, svg).
import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { unsafeCharacters } from '../../grammar/src/strings.js';
import { CliError } from './errors.js';
import type { CommandContext } from './io.js';
import { terminalLines, terminalText } from './terminal-text.js';

export interface Sink {
  write(text: string): Promise<void>;
  /** The report is complete: put it in place. */
  close(): void;
  /** Interrupted by an error: leave nothing half-written behind. */
  abort(): void;
}

/**
 * JSON whose strings may hold what a hostile peer sent: the characters a terminal would
 * act on become `\uXXXX` escapes (still the same JSON value). JSON.stringify escapes the
 * C0 controls already; DEL, C1, bidi and invisible characters it leaves raw.
 */
export function jsonSafe(text: string): string {
  return text.replace(unsafeCharacters, (c) => (c === '\n' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * stdout, every chunk passed through `terminalLines` (a formatter that forgot to escape a
 * string still cannot move the cursor) or `jsonSafe`; waits for a slow reader (a pager,
 * `| head`) so a large capture does not pile its report up in memory.
 */
export function stdoutSink(context: CommandContext, json: boolean): Sink {
  return {
    write: async (text) => {
      context.stdout(json ? jsonSafe(text) : terminalLines(text));
      if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
    },
    close: () => {},
    abort: () => {},
  };
}

function cannotWrite(path: string, error: unknown): CliError {
  return new CliError(`cannot write '${path}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
}

/** One file at `path`, written to a temporary sibling and renamed over `path` by `close`. */
export function fileSink(path: string, context: CommandContext, json: boolean): Sink {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number;
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new CliError(`cannot write '${path}': it is a folder (this format writes one file)`);
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(temporary, 'wx');
  } catch (error) {
    throw error instanceof CliError ? error : cannotWrite(path, error);
  }
  let open = true;
  const shut = () => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    write: (text) => {
      try {
        writeSync(fd, json ? jsonSafe(text) : text);
      } catch (error) {
        throw cannotWrite(path, error);
      }
      return Promise.resolve();
    },
    close: () => {
      shut();
      try {
        renameSync(temporary, path);
      } catch (error) {
        rmSync(temporary, { force: true });
        throw cannotWrite(path, error);
      }
      context.stderr(`wrote ${terminalText(path)}\n`);
    },
    abort: () => {
      shut();
      rmSync(temporary, { force: true });
    },
  };
}

/** A folder (created when missing) taking one file per call: `call-N.EXT`. */
export class FolderSink {
  private count = 0;

  constructor(private readonly dir: string, private readonly ext: string, private readonly context: CommandContext) {
    try {
      if (statSync(dir, { throwIfNoEntry: false })?.isFile()) throw new CliError(`cannot write '${dir}': it is a file (this format writes one file per call into a folder)`);
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw error instanceof CliError ? error : new CliError(`cannot create folder '${dir}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }

  /** Writes call `id`'s file and returns its path. */
  write(id: number, content: string): string {
    const path = join(this.dir, `call-${id}.${this.ext}`);
    try {
      writeFileSync(path, content);
    } catch (error) {
      throw cannotWrite(path, error);
    }
    this.count++;
    return path;
  }

  close(): void {
    this.context.stderr(`wrote ${this.count} file${this.count === 1 ? '' : 's'} to ${terminalText(this.dir)}\n`);
  }
}

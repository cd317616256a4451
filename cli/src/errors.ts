import { terminalText } from './terminal-text.js';

/**
 * A failure the user can act on (a missing path, an empty folder): main prints
 * `surv: MESSAGE` without a stack trace and exits with `exitCode`. The message usually
 * holds a path or a title, so it goes through `terminalText`; a message of several
 * lines is given as its lines, each escaped on its own.
 */
export class CliError extends Error {
  constructor(message: string | readonly string[], readonly exitCode = 2) {
    super(typeof message === 'string' ? terminalText(message) : message.map(terminalText).join('\n'));
    this.name = 'CliError';
  }
}

/** Exit codes shared by every command, so scripts and CI can rely on them. */
export const exit = {
  ok: 0,
  /** At least one error-level finding. */
  findings: 1,
  /** Bad command line, unreadable input or an internal error. */
  usage: 2,
} as const;

const errnoText: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'file name too long',
};

/** `cannot read 'x': no such file or directory`, in the words of a Unix tool rather than Node's. */
export function describeIoError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why = (code && errnoText[code]) ?? (error instanceof Error ? error.message : String(error));
  return `cannot read '${terminalText(path)}': ${terminalText(why)}`;
}

/** Where a command writes, and the exit code it asks for. Tests and main share the shape. */
export interface CommandContext {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Set by the command's action; main exits with it once the action has finished. */
  exitCode: number;
}

// The terminal sink lives in server/src/present/ so the language server's timeline
// escapes the same way without importing the CLI; the CLI's modules keep this path.
export { terminalLines, terminalText } from '../present/terminal-text.js';

// The terminal sink lives in engines/present/ so the language server's timeline
// escapes the same way without importing the CLI; the CLI's modules keep this path.
export { terminalLines, terminalText } from '../../engines/present/terminal-text.js';

// `surv-language-server --stdio` (or --node-ipc, --socket=N): the .surv language
// server for any LSP editor. VS Code's client starts the same file.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node.js';
import { startServer } from './server.js';

const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write('surv-language-server 0.1.0\n');
  process.exit(0);
}
if (args.includes('--help') || !args.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
  process.stdout.write('usage: surv-language-server --stdio | --node-ipc | --socket=PORT\n\nThe .surv language server (LSP 3.17). Point your editor at it for .surv files.\n');
  process.exit(args.includes('--help') ? 0 : 2);
}
startServer(createConnection(ProposedFeatures.all));

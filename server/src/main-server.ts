// `surv-language-server --stdio` (or --node-ipc, --socket=N): the .surv language
// server for any LSP editor. VS Code's client starts the same file.
import { join } from 'node:path';
import { format } from 'node:util';
import { createConnection, ProposedFeatures, StreamMessageWriter } from 'vscode-languageserver/node.js';
import { ResyncingMessageReader } from './message-reader.js';
import { startServer } from './server.js';

const args = process.argv.slice(2);
// scripts/build.mjs bundles the verify worker beside this file (CommonJS: __dirname is set).
const options = { verifyWorker: join(__dirname, 'surv-verify-worker.cjs') };
if (args.includes('--version')) {
  process.stdout.write('surv-language-server 0.1.0\n');
  process.exit(0);
}
if (args.includes('--help') || !args.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
  process.stdout.write('usage: surv-language-server --stdio | --node-ipc | --socket=PORT\n\nThe .surv language server (LSP 3.17). Point your editor at it for .surv files.\n');
  process.exit(args.includes('--help') ? 0 : 2);
}

if (args.includes('--stdio')) {
  // Our own reader, so malformed bytes on stdin are skipped instead of leaving the
  // server deaf (see message-reader.ts). Given explicit streams, vscode-languageserver
  // neither redirects `console` away from stdout nor exits when stdin ends: both here.
  const log = (message: string) => process.stderr.write(`${message}\n`);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    console[method] = (...values: unknown[]) => log(format(...values));
  }
  const server = startServer(createConnection(ProposedFeatures.all, new ResyncingMessageReader(process.stdin, log), new StreamMessageWriter(process.stdout)), options);
  const end = () => process.exit(server.shutdownRequested() ? 0 : 1);
  process.stdin.on('end', end);
  process.stdin.on('close', end);
} else {
  startServer(createConnection(ProposedFeatures.all), options);
}

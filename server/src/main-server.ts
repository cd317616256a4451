// `surv-language-server --stdio` (or --node-ipc, --socket=N): the .surv language
// server for any LSP editor. VS Code's client starts the same file.
import { join } from 'node:path';
import { format } from 'node:util';
import {
  createConnection, createServerPipeTransport, createServerSocketTransport, ErrorCodes, IPCMessageReader, IPCMessageWriter,
  ProposedFeatures, StreamMessageWriter, type MessageReader, type MessageWriter, type ResponseMessage,
} from 'vscode-languageserver/node.js';
import { InitializeGate, ResyncingMessageReader } from './message-reader.js';
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

/** Requests before `initialize` are answered -32002 on every transport, so the gate wraps each reader. */
function gated(reader: MessageReader, writer: MessageWriter): [MessageReader, MessageWriter] {
  return [new InitializeGate(reader, (message) => void writer.write(message)), writer];
}

/** The value of `--name=VALUE` or `--name VALUE`, as vscode-languageserver reads it. */
function option(name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === name) return args[i + 1];
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

if (args.includes('--stdio')) {
  // Our own reader, so malformed bytes on stdin are skipped instead of leaving the
  // server deaf (see message-reader.ts). Given explicit streams, vscode-languageserver
  // neither redirects `console` away from stdout nor exits when stdin ends: both here.
  const log = (message: string) => process.stderr.write(`${message}\n`);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    console[method] = (...values: unknown[]) => log(format(...values));
  }
  const writer = new StreamMessageWriter(process.stdout);
  // A message lost to malformed framing is answered with a parse error: the client learns something went wrong.
  const dropped = (reason: string) => {
    const answer: ResponseMessage = { jsonrpc: '2.0', id: null, error: { code: ErrorCodes.ParseError, message: `malformed message skipped: ${reason}` } };
    void writer.write(answer);
  };
  const [reader] = gated(new ResyncingMessageReader(process.stdin, log, dropped), writer);
  const server = startServer(createConnection(ProposedFeatures.all, reader, writer), options);
  const end = () => process.exit(server.shutdownRequested() ? 0 : 1);
  process.stdin.on('end', end);
  process.stdin.on('close', end);
} else if (args.includes('--node-ipc')) {
  startServer(createConnection(ProposedFeatures.all, ...gated(new IPCMessageReader(process), new IPCMessageWriter(process))), options);
} else {
  const port = option('--socket');
  const pipe = option('--pipe');
  const [reader, writer] = port !== undefined ? createServerSocketTransport(Number(port)) : createServerPipeTransport(pipe ?? '');
  startServer(createConnection(ProposedFeatures.all, ...gated(reader, writer)), options);
}

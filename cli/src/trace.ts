// `surv trace CAPTURE...`: SIP captures (pcap, pcapng, HEP files) or a live HEP feed grouped
// into calls, each drawn as a ladder and, with a design, judged against it (docs/trace.md).
// Streaming end to end: a call is written as soon as the tracer finishes it, so memory is
// bounded by the calls still open, never by the capture.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { analyze, type Branch } from '../../grammar/src/index.js';
import { escapeLabel } from '../../engines/diagram/index.js';
import { CallTracer, type CaptureItem, type TracedCall, type TraceSummary } from '../../engines/trace/index.js';
import { CaptureError, readCaptureBatches } from '../../io/capture/index.js';
import { HepListenError, listenHep, type HepListener } from '../../io/capture/hep-listen.js';
import { DEFAULT_CHROMIUM, openRenderer, RenderError, type Renderer } from '../../io/render/index.js';
import { CliError, exit } from './errors.js';
import { formatJson } from './format-json.js';
import { formatSarif } from './format-sarif.js';
import { formatSummary, formatText } from './format-text.js';
import { Sources } from './format-timeline-location.js';
import { jsonFormatter, sarifFormatter, type CaptureProblem, type TraceFormatter, type TraceReportContext } from './format-trace-data.js';
import { formatCallMarkdown, formatCallText, formatMarkdownHead, formatSummaryMarkdown, formatSummaryText } from './format-trace-text.js';
import type { CommandContext } from './io.js';
import { loadFiles } from './load.js';
import { terminalText } from './terminal-text.js';
import { fileSink, FolderSink, stdoutSink, type Sink } from './trace-output.js';
import { callMermaid } from './trace-render.js';

export const traceFormats = ['text', 'json', 'md', 'mmd', 'svg', 'sarif'] as const;
export type TraceFormat = (typeof traceFormats)[number];

export interface ListenAddress {
  readonly address: string;
  readonly port: number;
}

export interface TraceCliOptions {
  readonly design?: string;
  readonly call?: string;
  readonly format: TraceFormat;
  readonly out?: string;
  readonly listen?: ListenAddress;
}

/** `udp:127.0.0.1:9060`: HEP arrives over UDP (what siptrace and heplify send); an IPv4 address, a port from 0 (any) to 65535. */
export function parseListen(text: string): ListenAddress {
  const match = /^udp:(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text);
  const octetsOk = match?.[1]!.split('.').every((o) => Number(o) <= 255) ?? false;
  if (!match || !octetsOk || Number(match[2]) > 65535) throw new InvalidArgumentError('give udp:ADDRESS:PORT, an IPv4 address and a port, e.g. udp:127.0.0.1:9060');
  return { address: match[1]!, port: Number(match[2]) };
}

export function registerTrace(program: Command, context: CommandContext, toolVersion: string): void {
  program
    .command('trace')
    .summary('read SIP captures (pcap, pcapng, HEP) and judge each call against a design')
    .description(
      'Read SIP captures (pcap, pcapng, HEP files; or HEP live with --listen), group the messages into calls '
      + 'and draw each call\'s ladder. With --design, judge each call against the design: what it should have done '
      + 'given what the far side did (see docs/trace.md). Several captures are read one after another in the order '
      + 'given. Calls are printed as they end.\n\n'
      + 'Formats: text (default), json (one document), md (a report with Mermaid ladders), mmd (Mermaid source; '
      + 'with --out DIR one file per call), svg (one file per call into --out DIR, rendered in headless Chromium), '
      + 'sarif (SARIF 2.1.0, one result per violation).\n\n'
      + 'Exit status: 0 every judged call follows the design (or no design), 1 a call violates the design or the '
      + 'design has errors, 2 usage, an unreadable capture, no SIP message at all, no call matching --call, or an I/O error.',
    )
    .argument('[captures...]', 'capture files: pcap, pcapng or HEP')
    .option('-d, --design <path>', 'a .surv file or a folder of them to judge the calls against')
    .option('-c, --call <call-id>', 'only the call with this Call-ID (or a Call-ID starting with it)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(traceFormats).default('text'))
    .option('-o, --out <path>', 'write to this file (mmd and svg: this folder, one file per call)')
    .option('-l, --listen <udp:address:port>', 'receive HEP live on this UDP address; Ctrl-C ends and prints the summary', parseListen)
    .action(async (captures: string[], options: TraceCliOptions) => {
      context.exitCode = await runTrace(captures, options, context, toolVersion);
    });
}

interface Design {
  readonly path: string;
  readonly branches: readonly Branch[];
  readonly sources: Sources;
}

/**
 * Loads and analyses the design. With errors it cannot judge anything: the diagnostics are
 * printed as `surv check` prints them (in the format asked for, when it has one) and
 * `undefined` comes back. Warnings go to stderr, so stdout stays the trace.
 */
function loadDesign(path: string, format: TraceFormat, context: CommandContext, toolVersion: string): Design | undefined {
  const loaded = loadFiles([path]);
  const { model, diagnostics } = analyze(loaded.sources, { parsed: loaded.parsed, symbols: false });
  const files = loaded.sources.map((s) => s.uri);
  if (diagnostics.some((d) => d.severity === 'error')) {
    if (format === 'json') context.stdout(formatJson(diagnostics, files));
    else if (format === 'sarif') context.stdout(formatSarif(diagnostics, files, toolVersion));
    else {
      context.stdout(formatText(diagnostics));
      context.stderr(formatSummary(diagnostics, files.length));
    }
    return undefined;
  }
  if (diagnostics.length > 0) context.stderr(formatText(diagnostics));
  if (model.branches.length === 0) throw new CliError(`'${path}' has no branch to judge the calls against`);
  return { path, branches: model.branches, sources: new Sources(loaded.sources) };
}

function usage(captures: readonly string[], options: TraceCliOptions): void {
  if (options.listen && captures.length > 0) throw new CliError('give capture files or --listen, not both');
  if (!options.listen && captures.length === 0) throw new CliError('give one or more capture files (pcap, pcapng, HEP), or --listen udp:ADDRESS:PORT');
  if (options.format === 'svg' && options.listen) {
    throw new CliError('--listen cannot write svg: svg is rendered in headless Chromium, which a live session would hold open for as long as it runs; use --format mmd --out DIR and render those files later');
  }
  if (options.format === 'svg' && options.out === undefined) throw new CliError('svg writes one file per call: give --out DIR');
  if (options.call !== undefined && options.call.trim() === '') throw new CliError('--call needs a Call-ID');
}

/**
 * Which capture each call came from, when there are several: the file its first Call-ID
 * was first seen in. Bounded: the oldest entries go first beyond `limit` (a call that
 * old is long finished, or was cut by the tracer's own bound on open calls).
 */
class CaptureIndex {
  private readonly firstSeen = new Map<string, number>();
  private static readonly limit = 100_000;

  constructor(private readonly captures: readonly string[]) {}

  note(item: CaptureItem, capture: number): void {
    if (this.captures.length < 2 || item.kind !== 'sip') return;
    const callId = /^(?:call-id|i)[ \t]*:[ \t]*(\S+)/im.exec(item.text)?.[1];
    if (callId === undefined || this.firstSeen.has(callId)) return;
    if (this.firstSeen.size >= CaptureIndex.limit) this.firstSeen.delete(this.firstSeen.keys().next().value!);
    this.firstSeen.set(callId, capture);
  }

  of(call: TracedCall): string | undefined {
    if (this.captures.length < 2) return this.captures[0];
    const index = call.callIds.map((id) => this.firstSeen.get(id)).find((i) => i !== undefined);
    for (const id of call.callIds) this.firstSeen.delete(id);
    return index === undefined ? undefined : this.captures[index];
  }
}

/** Per format: what goes out before the first call, for each call, and after the last. */
interface Report {
  call(call: TracedCall): Promise<void>;
  end(summary: TraceSummary, problems: readonly CaptureProblem[]): Promise<void>;
  abort(): void;
}

async function openReport(options: TraceCliOptions, report: TraceReportContext, context: CommandContext): Promise<Report> {
  const judged = report.design !== undefined;
  const { format, out } = options;
  if (format === 'mmd' || format === 'svg') return openDiagrams(format, out, report, context);
  const structured = format === 'json' || format === 'sarif';
  const sink: Sink = out === undefined ? stdoutSink(context, structured) : fileSink(out, context, structured);
  let formatter: TraceFormatter;
  switch (format) {
    case 'json': formatter = jsonFormatter(report); break;
    case 'sarif': formatter = sarifFormatter(report); break;
    case 'md':
      formatter = {
        head: () => formatMarkdownHead(report.captures, report.design),
        call: (c) => formatCallMarkdown(c, report.sources),
        tail: (s) => formatSummaryMarkdown(s, judged),
      };
      break;
    case 'text':
      formatter = { head: () => '', call: (c) => formatCallText(c, report.sources), tail: (s) => formatSummaryText(s, judged) };
      break;
  }
  await sink.write(formatter.head());
  return {
    call: (c) => sink.write(formatter.call(c)),
    end: async (summary, problems) => {
      await sink.write(formatter.tail(summary, problems));
      sink.close();
    },
    abort: () => sink.abort(),
  };
}

/**
 * mmd and svg: Mermaid is one diagram per document, so several calls go one file each
 * into --out DIR; mmd to stdout separates the diagrams by a `%% call #N` comment line
 * (which Mermaid ignores) and a blank line. The summary goes to stderr.
 */
async function openDiagrams(format: 'mmd' | 'svg', out: string | undefined, report: TraceReportContext, context: CommandContext): Promise<Report> {
  const summaryToStderr = (summary: TraceSummary) => context.stderr(formatSummaryText(summary, report.design !== undefined));
  if (out === undefined) {
    const sink = stdoutSink(context, false);
    return {
      call: (c) => sink.write(`%% surv trace: call #${c.id}, Call-ID ${escapeLabel(c.callIds.join(' + '))}\n${callMermaid(c)}\n`),
      end: (summary) => {
        summaryToStderr(summary);
        return Promise.resolve();
      },
      abort: () => {},
    };
  }
  const folder = new FolderSink(out, format, context);
  let renderer: Renderer | undefined;
  if (format === 'svg') {
    renderer = await openRenderer({ chromiumPath: process.env['SURV_CHROMIUM'] || DEFAULT_CHROMIUM }).catch((error: unknown) => {
      throw error instanceof RenderError ? new CliError(`cannot render svg: ${error.message}`) : error;
    });
  }
  const close = async () => {
    if (!renderer) return;
    for (const problem of renderer.problems) context.stderr(`surv: warning: while rendering: ${terminalText(problem)}\n`);
    await renderer.close();
    renderer = undefined;
  };
  return {
    call: async (c) => {
      if (!renderer) {
        folder.write(c.id, callMermaid(c));
        return;
      }
      try {
        folder.write(c.id, `${(await renderer.svg(callMermaid(c))).svg}\n`);
      } catch (error) {
        throw error instanceof RenderError ? new CliError(`cannot render call #${c.id}: ${error.message}`) : error;
      }
    },
    end: async (summary) => {
      await close();
      folder.close();
      summaryToStderr(summary);
    },
    abort: () => void close(),
  };
}

/**
 * The message of a capture that cannot be read: the reader's own words (located: a byte
 * offset or a frame; the reader refuses FIFOs, devices and folders itself), without the
 * path it starts with, which the CLI prints once; or a Unix tool's words for an I/O error
 * in the middle of the file.
 */
function captureProblem(path: string, error: unknown): CaptureProblem | undefined {
  if (error instanceof CaptureError) return { capture: path, message: error.message.startsWith(`${path}: `) ? error.message.slice(path.length + 2) : error.message };
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    const words: Record<string, string> = { ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory, not a capture file', EIO: 'input/output error' };
    return { capture: path, message: words[code] ?? code };
  }
  return undefined;
}

export async function runTrace(captures: readonly string[], options: TraceCliOptions, context: CommandContext, toolVersion: string): Promise<number> {
  usage(captures, options);
  let design: Design | undefined;
  if (options.design !== undefined) {
    design = loadDesign(options.design, options.format, context, toolVersion);
    if (!design) return exit.findings;
  }
  // Bound before any output is opened: a port in use leaves no empty report behind.
  const listener = options.listen ? await listen(options.listen) : undefined;
  const bound = listener?.address();
  const index = new CaptureIndex(captures);
  const reportContext: TraceReportContext = {
    toolVersion,
    captures: bound ? [`udp:${bound.address}:${bound.port}`] : captures,
    live: listener !== undefined,
    design: design?.path,
    sources: design?.sources,
    captureOf: (call) => index.of(call),
  };
  const tracer = new CallTracer({ ...(design ? { branches: design.branches } : {}), ...(options.call === undefined ? {} : { callId: options.call }) });
  let report: Report;
  try {
    report = await openReport(options, reportContext, context);
  } catch (error) {
    await listener?.close();
    throw error;
  }
  const problems: CaptureProblem[] = [];
  // A live session ends on Ctrl-C with its summary; a file being read is abandoned with
  // no half-written report left behind.
  const interrupted = listener
    ? () => void listener.close()
    : () => {
      report.abort();
      process.exit(130);
    };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    if (listener && bound) {
      context.stderr(`surv: trace: listening for HEP on udp:${bound.address}:${bound.port}; Ctrl-C ends and prints the summary\n`);
      await traceLive(listener, tracer, report);
    }
    for (const [i, path] of captures.entries()) {
      try {
        for await (const batch of readCaptureBatches(path)) {
          for (const item of batch) {
            index.note(item, i);
            for (const call of tracer.push(item)) await report.call(call);
          }
        }
      } catch (error) {
        const found = captureProblem(path, error);
        if (!found) throw error;
        problem(found);
      }
    }
    for (const call of tracer.finish()) await report.call(call);
    const summary = tracer.summary();
    // A capture that could not be read at all has no summary worth a table of zeros; the documents are still closed.
    const nothing = summary.messages === 0;
    if (nothing && problems.length > 0 && (options.format === 'text' || options.format === 'md')) report.abort();
    else await report.end(summary, problems);
    if (options.call !== undefined && summary.calls === 0) {
      context.stderr(`surv: trace: no call with a Call-ID starting '${terminalText(options.call)}'\n`);
      return exit.usage;
    }
    if (nothing && problems.length === 0) {
      // Encrypted SIP, the wrong port, a capture of something else: say so rather than exit 0 on nothing.
      const where = listener ? 'received' : `in ${captures.map((c) => `'${terminalText(c)}'`).join(', ')}`;
      context.stderr(`surv: trace: no SIP message ${where}${summary.notices.length > 0 ? ' (see the notices)' : ''}\n`);
      return exit.usage;
    }
    if (problems.length > 0) return exit.usage;
    return summary.verdicts.violation > 0 ? exit.findings : exit.ok;
  } catch (error) {
    report.abort();
    await listener?.close();
    throw error;
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
  }

  function problem(p: CaptureProblem): void {
    problems.push(p);
    context.stderr(`surv: trace: ${terminalText(p.capture)}: ${terminalText(p.message)}\n`);
  }
}

async function listen(at: ListenAddress): Promise<HepListener> {
  try {
    return await listenHep(at);
  } catch (error) {
    throw error instanceof HepListenError ? new CliError(`trace: ${error.message}`) : error;
  }
}

/** How often a live session looks for calls that went idle with no message since. */
const tickMs = 1000;

/**
 * A live HEP feed until the listener closes (Ctrl-C). Time passes without messages, so
 * a timer ticks the tracer; its clock is the capture time of the newest message moved on
 * by the wall time since it came, so an agent whose clock is off by minutes still has its
 * calls ended `idleMs` after their last message, not at once or never. Calls are written
 * one at a time, in the order they end, whichever of the timer and the feed ends them.
 */
async function traceLive(listener: HepListener, tracer: CallTracer, report: Report): Promise<void> {
  let newestUs: number | undefined;
  let newestAt = 0;
  let writing = Promise.resolve();
  const emit = (calls: readonly TracedCall[]) => {
    if (calls.length === 0) return;
    writing = writing.then(async () => {
      for (const call of calls) await report.call(call);
    });
  };
  const timer = setInterval(() => {
    if (newestUs !== undefined) emit(tracer.tick(newestUs + (Date.now() - newestAt) * 1000));
  }, tickMs);
  try {
    for await (const item of listener.items) {
      if (item.kind === 'sip' && (newestUs === undefined || item.timeUs > newestUs)) {
        newestUs = item.timeUs;
        newestAt = Date.now();
      }
      emit(tracer.push(item));
      await writing;
    }
  } finally {
    clearInterval(timer);
    await writing;
  }
}

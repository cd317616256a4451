// A live HEP socket (docs/trace.md, "Listening for HEP"): Kamailio's siptrace, heplify or
// any other agent sends one HEP packet per UDP datagram; each becomes a CaptureItem for
// the tracer, in arrival order. UDP has no flow control, so when the reader falls behind,
// datagrams beyond a bounded queue are dropped and counted (one `hep-dropped` notice per
// burst), and memory stays bounded however fast they come.
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import type { CaptureItem, Endpoint } from '../../engines/trace/capture.js';
import { decodeHep } from './hep.js';

export interface HepListenOptions {
  /** Items held for a slow reader; beyond it datagrams are dropped and counted. Default 10,000. */
  readonly maxQueue?: number;
  /** Bytes of SIP text held for a slow reader (the bound that matters for big messages). Default 32 MiB. */
  readonly maxQueueBytes?: number;
}

export interface HepListener {
  /** The decoded datagrams in arrival order (frame = the datagram's count since listening began, from 1); ends after `close()`. One reader. */
  readonly items: AsyncIterable<CaptureItem>;
  /** The bound address and port (the real port when 0 was asked for). */
  address(): Endpoint;
  /** Stops listening; `items` ends once what was queued has been read. */
  close(): Promise<void>;
  /**
   * Datagrams received and dropped so far: `dropped` by surv's queue, `systemDropped` by
   * the operating system before surv read them (its socket buffer full while surv was
   * busy; Linux only, read from /proc/net/udp, otherwise 0).
   */
  stats(): { readonly received: number; readonly dropped: number; readonly systemDropped: number };
}

/** A HEP socket that could not be opened: the address, and the system's reason. */
export class HepListenError extends Error {
  constructor(message: string, readonly address: string, readonly port: number) {
    super(message);
    this.name = 'HepListenError';
  }
}

const DEFAULT_MAX_QUEUE = 10_000;
/** Asked of the system for the socket's receive buffer, to ride out bursts while the tracer is busy; Linux caps it at net.core.rmem_max. */
const RECEIVE_BUFFER = 4 * 1024 * 1024;
/** How often, at most, the system's drop counter is read while datagrams arrive. */
const SYSTEM_DROPS_EVERY_MS = 1000;
const DEFAULT_MAX_QUEUE_BYTES = 32 * 1024 * 1024;

/**
 * Listens for HEP on UDP `at` (IPv4 or IPv6, any address the machine has: listening on a
 * real interface is the point for users). Resolves once bound; rejects with a
 * HepListenError naming the address when it cannot bind (in use, not an address here).
 */
export async function listenHep(at: { readonly address: string; readonly port: number }, options: HepListenOptions = {}): Promise<HepListener> {
  const maxQueue = Math.max(1, options.maxQueue ?? DEFAULT_MAX_QUEUE);
  const maxQueueBytes = Math.max(1, options.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES);
  const socket: Socket = createSocket({ type: isIPv6(at.address) ? 'udp6' : 'udp4', recvBufferSize: RECEIVE_BUFFER });
  const where = isIPv6(at.address) ? `[${at.address}]:${at.port}` : `${at.address}:${at.port}`;
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      socket.close();
      reject(new HepListenError(`cannot listen for HEP on udp:${where}: ${error.code ?? error.message}`, at.address, at.port));
    };
    socket.once('error', failed);
    socket.bind({ address: at.address, port: at.port, exclusive: true }, () => {
      socket.off('error', failed);
      resolve();
    });
  });

  const bound = socket.address();
  const address: Endpoint = { address: bound.address, port: bound.port };

  const queue: CaptureItem[] = [];
  let head = 0;
  let queuedBytes = 0;
  let received = 0;
  let dropped = 0;
  /** The burst being dropped: its first and last frame and how many. */
  let burst: { first: number; last: number; count: number } | undefined;
  let systemDropped = 0;
  let systemCheckedAt = 0;
  let closed = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;

  const size = (item: CaptureItem) => (item.kind === 'sip' ? item.text.length : item.message.length);
  const push = (item: CaptureItem) => {
    queue.push(item);
    queuedBytes += size(item);
    wake?.();
  };
  const burstNotice = (b: { first: number; last: number; count: number }): CaptureItem => ({
    kind: 'notice',
    code: 'hep-dropped',
    message: `${b.first === b.last ? `frame ${b.first}` : `frames ${b.first}-${b.last}`}: ${b.count} HEP datagram${b.count === 1 ? '' : 's'} dropped: the reader fell behind (queue of ${maxQueue} items / ${maxQueueBytes} bytes full)`,
    frame: b.last,
  });

  /** A notice for the datagrams the system dropped since the last look, if any. */
  const systemDrops = (): CaptureItem | undefined => {
    systemCheckedAt = Date.now();
    const total = socketDrops(address);
    if (total === undefined || total <= systemDropped) return undefined;
    const count = total - systemDropped;
    systemDropped = total;
    return {
      kind: 'notice',
      code: 'hep-system-dropped',
      message: `${received === 0 ? 'before frame 1' : `by frame ${received}`}: ${count} HEP datagram${count === 1 ? '' : 's'} dropped by the system before surv read them (the socket's receive buffer was full; see net.core.rmem_max)`,
      frame: received,
    };
  };

  socket.on('message', (datagram: Buffer) => {
    received++;
    if (Date.now() - systemCheckedAt >= SYSTEM_DROPS_EVERY_MS) {
      const lost = systemDrops();
      if (lost) push(lost);
    }
    // While a burst is open, one slot stays free for its notice.
    const item = queue.length - head + (burst ? 1 : 0) >= maxQueue ? undefined : decodeHep(datagram, received);
    if (item === undefined || queuedBytes + size(item) > maxQueueBytes) {
      dropped++;
      burst = burst ? { ...burst, last: received, count: burst.count + 1 } : { first: received, last: received, count: 1 };
      return;
    }
    if (burst) {
      push(burstNotice(burst));
      burst = undefined;
    }
    push(item);
  });
  socket.on('error', (error) => {
    failure = new HepListenError(`HEP socket on udp:${where} failed: ${(error as NodeJS.ErrnoException).code ?? error.message}`, at.address, at.port);
    void close();
  });

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    if (closing) return closing;
    // The system's counter goes with the socket: read it first.
    const lost = systemDrops();
    closing = new Promise<void>((resolve) => {
      socket.close(() => resolve());
    }).then(() => {
      closed = true;
      if (lost) push(lost);
      if (burst) {
        push(burstNotice(burst));
        burst = undefined;
      }
      wake?.();
    });
    return closing;
  }

  async function* read(): AsyncGenerator<CaptureItem> {
    try {
      for (;;) {
        if (head < queue.length) {
          const item = queue[head] as CaptureItem;
          head++;
          queuedBytes -= size(item);
          // Compact now and then so the array does not keep every item ever read.
          if (head >= 1024 && head * 2 >= queue.length) {
            queue.splice(0, head);
            head = 0;
          }
          yield item;
          continue;
        }
        if (failure) throw failure;
        if (closed) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      // The reader stopped (break, return or the end): nothing will read further items.
      await close();
    }
  }

  return {
    items: { [Symbol.asyncIterator]: () => read() },
    address: () => address,
    close,
    stats: () => ({ received, dropped, systemDropped: closed ? systemDropped : Math.max(systemDropped, socketDrops(address) ?? 0) }),
  };
}

/**
 * The kernel's drop counter of the UDP socket bound at `at` (the `drops` column of
 * /proc/net/udp or udp6, where addresses are hex words in host byte order); undefined
 * where there is no such file (not Linux) or no such socket.
 */
export function socketDrops(at: Endpoint): number | undefined {
  const v6 = at.address.includes(':');
  let table: string;
  try {
    table = readFileSync(v6 ? '/proc/net/udp6' : '/proc/net/udp', 'latin1');
  } catch {
    return undefined;
  }
  const local = `${v6 ? procIpv6(at.address) : procIpv4(at.address)}:${at.port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const row of table.split('\n').slice(1)) {
    const fields = row.trim().split(/\s+/);
    if (fields[1] === local) return Number(fields[12] ?? 0);
  }
  return undefined;
}

function procIpv4(address: string): string {
  return address.split('.').map((n) => Number(n).toString(16).toUpperCase().padStart(2, '0')).reverse().join('');
}

/** Four 32-bit words, each in host (little-endian) byte order. */
function procIpv6(address: string): string {
  const [head = '', tail] = address.split('::');
  const part = (t: string | undefined) => (t ? t.split(':').map((g) => parseInt(g, 16)) : []);
  const left = part(head);
  const right = part(tail);
  const groups = tail === undefined ? left : [...left, ...new Array<number>(Math.max(0, 8 - left.length - right.length)).fill(0), ...right];
  const bytes = groups.flatMap((g) => [(g >> 8) & 0xff, g & 0xff]);
  let out = '';
  for (let w = 0; w < 16; w += 4) out += bytes.slice(w, w + 4).reverse().map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
  return out;
}

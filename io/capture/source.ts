// A capture file read in chunks through one reused buffer: memory stays bounded by the
// largest record, never by the file. Opened like io/files/read.ts opens a design:
// non-blocking and checked on the descriptor, so a FIFO, a socket, a device or a folder
// is refused before a byte is read and never blocks.
import { constants, promises as fsp } from 'node:fs';
import { kindOf } from '../files/read.js';

/** A capture surv cannot read at all, located: the file, and the byte offset or frame where it failed. */
export class CaptureError extends Error {
  constructor(message: string, readonly path: string, readonly offset?: number, readonly frame?: number) {
    super(message);
    this.name = 'CaptureError';
  }
}

const openReasons: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'a symbolic link loop',
  EISDIR: 'a folder',
  ENXIO: 'not a regular file',
};

const chunkBytes = 1024 * 1024;

export class ChunkSource {
  /** Bytes [start, end) of `buf` are read and not yet consumed; `buf[start]` is file byte `offset`. */
  buf: Buffer;
  start = 0;
  end = 0;
  private base = 0;
  private eof = false;
  private filePos = 0;

  private constructor(private readonly handle: fsp.FileHandle, readonly path: string, readonly size: number) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /** Opens `path` for reading, refusing anything but a regular file with a CaptureError. */
  static async open(path: string): Promise<ChunkSource> {
    let handle: fsp.FileHandle;
    try {
      // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
      handle = await fsp.open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      const reason = (code !== undefined ? openReasons[code] : undefined) ?? `cannot be opened (${code ?? 'error'})`;
      throw new CaptureError(`${path}: ${reason}`, path);
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new CaptureError(`${path}: not a regular file (${kindOf(stats)}); surv reads capture files`, path);
      return new ChunkSource(handle, path, stats.size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** File offset of the first unconsumed byte. */
  get offset(): number {
    return this.base + this.start;
  }

  get available(): number {
    return this.end - this.start;
  }

  /**
   * Makes at least `n` unconsumed bytes available in `buf[start..]` (moving them to the
   * front of the buffer, so earlier subarrays of `buf` are no longer valid). False when
   * the file ends first; then `available` says how many there are.
   */
  async ensure(n: number): Promise<boolean> {
    if (this.end - this.start >= n) return true;
    if (this.eof) return false;
    if (n > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
      this.buf.copy(grown, 0, this.start, this.end);
      this.buf = grown;
    } else if (this.start > 0) {
      this.buf.copy(this.buf, 0, this.start, this.end);
    }
    this.base += this.start;
    this.end -= this.start;
    this.start = 0;
    while (this.end < n && !this.eof) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.handle.read(this.buf, this.end, this.buf.length - this.end, this.filePos));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'error';
        throw new CaptureError(`${this.path}: cannot be read at byte offset ${this.filePos} (${code})`, this.path, this.filePos);
      }
      if (bytesRead === 0) this.eof = true;
      this.filePos += bytesRead;
      this.end += bytesRead;
    }
    return this.end - this.start >= n;
  }

  /** Consumes `n` bytes; past the buffered ones it moves the file position without reading. */
  skip(n: number): void {
    const buffered = this.end - this.start;
    if (n <= buffered) {
      this.start += n;
      return;
    }
    this.base += this.end + (n - buffered);
    this.filePos += n - buffered;
    this.start = 0;
    this.end = 0;
  }

  /** Gives the buffer back to the initial size after a large record, so one huge block does not pin memory. */
  shrink(): void {
    if (this.buf.length > chunkBytes && this.end - this.start <= chunkBytes) {
      const small = Buffer.allocUnsafe(chunkBytes);
      this.buf.copy(small, 0, this.start, this.end);
      this.base += this.start;
      this.end -= this.start;
      this.start = 0;
      this.buf = small;
    }
  }
}

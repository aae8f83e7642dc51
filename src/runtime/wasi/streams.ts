/**
 * wasi:io streams that live in this process instead of preview2-shim's I/O
 * worker: an output stream that hands each write to a callback (or drops it),
 * and an input stream over fixed bytes. They extend the shim's stream classes
 * because jco-style bindings check `instanceof` against the `wasi:io/streams`
 * classes they import, and the shim's own streams (files, inherited stdio)
 * must keep passing that check too. The classes are made on first use, when
 * the shim is loaded (see shim.ts).
 */
import { nodeShim, type NodeShim, type ShimInputStream, type ShimOutputStream, type ShimResource } from './shim.js';

/** Writes accepted per `check-write`; the sink takes any amount, this only bounds the guest's chunks. */
const WRITE_BUDGET = 1n << 20n;

/** The error value of `stream-error.closed`, thrown the way the shim throws stream errors. */
const CLOSED = Object.freeze({ tag: 'closed' });

export interface StreamClasses {
  /** An output stream passing a copy of every write to the sink; a sink that throws makes the guest's write trap. */
  readonly SinkOutputStream: new (sink: (bytes: Uint8Array) => void) => ShimOutputStream;
  /** An input stream over fixed bytes; reading past the end reports `closed`. */
  readonly BytesInputStream: new (bytes: Uint8Array) => ShimInputStream;
}

function makeStreamClasses(shim: NodeShim): StreamClasses {
  const { InputStream, OutputStream } = shim.io.streams;

  /** A pollable that is ready at once (a zero-length timer of the shim, so `wasi:io/poll` can wait on it). */
  const readyPollable = (): ShimResource => shim.clocks.monotonicClock.subscribeDuration(0n);

  class SinkOutputStream extends OutputStream {
    readonly #sink: (bytes: Uint8Array) => void;

    constructor(sink: (bytes: Uint8Array) => void) {
      super();
      this.#sink = sink;
    }

    override checkWrite(): bigint {
      return WRITE_BUDGET;
    }

    override write(buf: Uint8Array): void {
      if (buf.length > 0) this.#sink(buf.slice());
    }

    override blockingWriteAndFlush(buf: Uint8Array): void {
      this.write(buf);
    }

    override flush(): void {}

    override blockingFlush(): void {}

    override writeZeroes(len: bigint): void {
      this.write(new Uint8Array(Number(len)));
    }

    override blockingWriteZeroesAndFlush(len: bigint): void {
      this.writeZeroes(len);
    }

    override splice(src: unknown, len: bigint): bigint {
      if (!(src instanceof InputStream)) throw new TypeError('splice: the source is not a wasi:io input-stream');
      const bytes = src.read(len);
      this.write(bytes);
      return BigInt(bytes.length);
    }

    override blockingSplice(src: unknown, len: bigint): bigint {
      return this.splice(src, len);
    }

    override subscribe(): ShimResource {
      return readyPollable();
    }
  }

  class BytesInputStream extends InputStream {
    readonly #bytes: Uint8Array;
    #offset = 0;

    constructor(bytes: Uint8Array) {
      super();
      this.#bytes = bytes;
    }

    override read(len: bigint): Uint8Array {
      if (this.#offset >= this.#bytes.length) throw CLOSED;
      const end = Math.min(this.#bytes.length, this.#offset + Number(len));
      const chunk = this.#bytes.slice(this.#offset, end);
      this.#offset = end;
      return chunk;
    }

    override blockingRead(len: bigint): Uint8Array {
      return this.read(len);
    }

    override skip(len: bigint): bigint {
      return BigInt(this.read(len).length);
    }

    override blockingSkip(len: bigint): bigint {
      return this.skip(len);
    }

    override subscribe(): ShimResource {
      return readyPollable();
    }
  }

  return { SinkOutputStream, BytesInputStream };
}

let classes: StreamClasses | undefined;

export function streamClasses(): StreamClasses {
  classes ??= makeStreamClasses(nodeShim());
  return classes;
}

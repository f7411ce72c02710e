import { createReadStream } from 'node:fs';

/** Longest line verify reads (an event with its data): longer lines are refused before they are held whole. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

export class LineTooLongError extends Error {
  constructor(
    readonly line: number,
    readonly maxBytes: number,
  ) {
    super(`line ${line} is longer than ${maxBytes} bytes`);
    this.name = 'LineTooLongError';
  }
}

/** Reads an export's lines; may be called again to read them a second time. */
export type LineSource = () => AsyncIterable<string>;

/** The lines of a text already in memory (a GraphQL argument, bounded by the request body limit). */
export function linesOfText(text: string, maxBytes = MAX_LINE_BYTES): LineSource {
  return async function* lines() {
    let start = 0;
    let number = 0;
    while (start < text.length) {
      const end = text.indexOf('\n', start);
      const stop = end === -1 ? text.length : end;
      number += 1;
      if (Buffer.byteLength(text.slice(start, Math.min(stop, start + maxBytes + 1))) > maxBytes)
        throw new LineTooLongError(number, maxBytes);
      yield text.slice(start, stop).replace(/\r$/, '');
      start = stop + 1;
    }
  };
}

/** The lines of a file, read in chunks: memory holds at most one line of `maxBytes` and one chunk. */
export function linesOfFile(file: string, maxBytes = MAX_LINE_BYTES): LineSource {
  return async function* lines() {
    const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let number = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        let start = 0;
        for (let newline = chunk.indexOf(10, start); newline !== -1; newline = chunk.indexOf(10, start)) {
          number += 1;
          if (pendingBytes + newline - start > maxBytes) throw new LineTooLongError(number, maxBytes);
          pending.push(chunk.subarray(start, newline));
          yield Buffer.concat(pending).toString('utf8').replace(/\r$/, '');
          pending = [];
          pendingBytes = 0;
          start = newline + 1;
        }
        const rest = chunk.subarray(start);
        if (pendingBytes + rest.length > maxBytes) throw new LineTooLongError(number + 1, maxBytes);
        if (rest.length > 0) {
          pending.push(Buffer.from(rest));
          pendingBytes += rest.length;
        }
      }
      if (pendingBytes > 0) yield Buffer.concat(pending).toString('utf8').replace(/\r$/, '');
    } finally {
      stream.destroy();
    }
  };
}

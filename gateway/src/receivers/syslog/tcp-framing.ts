// Splits a syslog TCP stream into messages (RFC 6587): octet counting (`LEN SP MSG`) when a
// message starts with a digit, else newline framing (non-transparent). Holds at most
// maxMessageBytes of an unfinished message: an octet-counted message announcing more is skipped
// without being held, a longer newline-framed one is cut there and the rest of its line skipped.
export type FrameEvent =
  | { kind: 'message'; bytes: Buffer; truncated: boolean }
  | { kind: 'too-large'; announced: number }
  | { kind: 'bad-frame'; reason: string };

export class SyslogFramer {
  readonly #max: number;
  #held: Buffer | undefined;
  /** Octets of an over-size octet-counted message still to skip. */
  #skipOctets = 0;
  /** Skipping to the end of an over-long newline-framed line. */
  #skipLine = false;

  constructor(maxMessageBytes: number) {
    this.#max = maxMessageBytes;
  }

  /** Bytes held for an unfinished message (what this connection costs in memory). */
  get heldBytes(): number {
    return this.#held?.length ?? 0;
  }

  push(chunk: Buffer, emit: (event: FrameEvent) => void): void {
    const data = this.#held ? Buffer.concat([this.#held, chunk]) : chunk;
    this.#held = undefined;
    let position = 0;
    while (position < data.length) {
      if (this.#skipOctets > 0) {
        const skip = Math.min(this.#skipOctets, data.length - position);
        this.#skipOctets -= skip;
        position += skip;
        continue;
      }
      if (this.#skipLine) {
        const newline = data.indexOf(10, position);
        if (newline < 0) return;
        this.#skipLine = false;
        position = newline + 1;
        continue;
      }
      const first = data[position];
      if (first === 10 || first === 13 || first === 0) {
        position++; // stray separators between frames
        continue;
      }
      if (first >= 49 && first <= 57) {
        // octet counting: up to 10 digits then a space
        let cursor = position;
        let length = 0;
        while (cursor < data.length && cursor - position < 10 && data[cursor] >= 48 && data[cursor] <= 57) {
          length = length * 10 + (data[cursor] - 48);
          cursor++;
        }
        if (cursor === data.length) break; // the count itself is unfinished
        if (data[cursor] !== 32) {
          emit({ kind: 'bad-frame', reason: 'octet count not followed by a space' });
          this.#skipLine = true;
          position = cursor;
          continue;
        }
        if (length > this.#max) {
          emit({ kind: 'too-large', announced: length });
          this.#skipOctets = length;
          position = cursor + 1;
          continue;
        }
        if (data.length - (cursor + 1) < length) break; // wait for the rest
        emit({ kind: 'message', bytes: data.subarray(cursor + 1, cursor + 1 + length), truncated: false });
        position = cursor + 1 + length;
        continue;
      }
      const newline = data.indexOf(10, position);
      if (newline < 0) {
        if (data.length - position > this.#max) {
          emit({ kind: 'message', bytes: data.subarray(position, position + this.#max), truncated: true });
          this.#skipLine = true;
          return;
        }
        break;
      }
      const end = newline > position && data[newline - 1] === 13 ? newline - 1 : newline;
      if (end - position > this.#max) {
        emit({ kind: 'message', bytes: data.subarray(position, position + this.#max), truncated: true });
      } else {
        emit({ kind: 'message', bytes: data.subarray(position, end), truncated: false });
      }
      position = newline + 1;
    }
    if (position < data.length) {
      // Copy so the held part does not pin the whole chunk.
      this.#held = Buffer.from(data.subarray(position));
    }
  }
}

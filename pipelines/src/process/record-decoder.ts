// Buffered record -> decoded slices, each holding at most the configured items and bytes, so what
// a worker decodes at once is bounded by configuration, not by what a producer wrote in a record.
import type { SignalData } from '../components/component.ts';
import type { Signal } from '../model/common.ts';
import { decodeExportRequest } from '../otlp/decode.ts';
import { countItems, type SliceLimits, sliceItems } from '../otlp/item-slices.ts';
import { scanExportRequest } from '../otlp/scan.ts';
import { toInvalidArgument } from '../otlp/wire-error.ts';
import { WireReader } from '../otlp/wire-reader.ts';

/** Bytes of one buffered record to the data model; throws on anything malformed. */
export type DecodeFn = <S extends Signal>(signal: S, bytes: Uint8Array) => SignalData[S];

export interface DecodedSlice<S extends Signal = Signal> {
  data: SignalData[S];
  /** Encoded bytes of the slice (what the in-flight byte budget counts). */
  bytes: number;
}

/**
 * The slices of one record, decoded one at a time as the caller iterates. Throws (from the first
 * step) on a malformed record, before anything of it is handed out.
 */
export type RecordDecoder = <S extends Signal>(signal: S, bytes: Uint8Array) => Iterable<DecodedSlice<S>>;

/** The OTLP decoder, slicing records larger than `limits`. */
export function otlpRecordDecoder(limits: SliceLimits): RecordDecoder {
  return <S extends Signal>(signal: S, bytes: Uint8Array) => {
    // Small records (most of them) go straight to the decoder, which names what is wrong.
    if (bytes.length <= limits.maxBytes && bytes.length / 2 <= limits.maxItems) return [decodeWhole(signal, bytes)];
    // Otherwise count the items first (a walk over the framing, nothing decoded).
    let items: number;
    try {
      items = countItems(signal, new WireReader(bytes), bytes.length);
    } catch (error) {
      throw invalid(signal, bytes, error);
    }
    if (items <= limits.maxItems && bytes.length <= limits.maxBytes) return [decodeWhole(signal, bytes)];
    // A record cut into slices is validated whole first (the scanner allocates nothing per
    // item), so none of it is delivered when some part of it can never be decoded.
    try {
      scanExportRequest(signal, bytes);
    } catch (error) {
      throw toInvalidArgument(error);
    }
    return decodedSlices(signal, bytes, limits);
  };
}

function decodeWhole<S extends Signal>(signal: S, bytes: Uint8Array): DecodedSlice<S> {
  return { data: decodeExportRequest(signal, bytes), bytes: bytes.length };
}

/** The scanner's message (it names the path) for a record whose framing does not hold. */
function invalid(signal: Signal, bytes: Uint8Array, error: unknown): Error {
  try {
    scanExportRequest(signal, bytes);
  } catch (scanned) {
    return toInvalidArgument(scanned);
  }
  return toInvalidArgument(error);
}

function* decodedSlices<S extends Signal>(signal: S, bytes: Uint8Array, limits: SliceLimits) {
  for (const slice of sliceItems(signal, bytes, limits))
    yield { data: decodeExportRequest(signal, slice.bytes), bytes: slice.bytes.length };
}

/** A whole-record decoder (tests' stand-ins): one slice per record. */
export function wholeRecordDecoder(decode: DecodeFn): RecordDecoder {
  return (signal, bytes) => [{ data: decode(signal, bytes), bytes: bytes.length }];
}

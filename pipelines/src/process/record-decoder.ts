// Buffered record -> decoded slices, each holding at most the configured items and bytes, so what
// a worker decodes at once is bounded by configuration, not by what a producer wrote in a record.
import type { SignalData } from '../components/component.ts';
import type { Signal } from '../model/common.ts';
import { decodeExportRequest } from '../otlp/decode.ts';
import { type SliceLimits, sliceItems } from '../otlp/item-slices.ts';
import { scanExportRequest } from '../otlp/scan.ts';
import { toInvalidArgument } from '../otlp/wire-error.ts';

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
    if (bytes.length <= limits.maxBytes && bytes.length / 2 <= limits.maxItems)
      return [{ data: decodeExportRequest(signal, bytes), bytes: bytes.length }];
    // A large record is validated first (the scanner allocates nothing per item), so none of it
    // is delivered when some part of it can never be decoded.
    try {
      scanExportRequest(signal, bytes);
    } catch (error) {
      throw toInvalidArgument(error);
    }
    return decodedSlices(signal, bytes, limits);
  };
}

function* decodedSlices<S extends Signal>(signal: S, bytes: Uint8Array, limits: SliceLimits) {
  for (const slice of sliceItems(signal, bytes, limits))
    yield { data: decodeExportRequest(signal, slice.bytes), bytes: slice.bytes.length };
}

/** A whole-record decoder (tests' stand-ins): one slice per record. */
export function wholeRecordDecoder(decode: DecodeFn): RecordDecoder {
  return (signal, bytes) => [{ data: decode(signal, bytes), bytes: bytes.length }];
}

// The public face of the OTLP codec.
export { type DecodeLimits, decodeExportRequest, decodeLogs, decodeMetrics, decodeTraces } from './decode.ts';
export { encodeExportRequest, encodeLogs, encodeMetrics, encodeTraces } from './encode.ts';
export {
  countSpansByTraceId,
  DEFAULT_MAX_ANY_VALUE_DEPTH,
  type ResourceSlice,
  type ScanLimits,
  type ScanResult,
  scanExportRequest,
  traceIdHex,
} from './scan.ts';
export { type JsonLimits, jsonToProto, parseOtlpJson, toOtlpJson } from './json.ts';
export { encodeExportResponse, exportResponseJson, type PartialSuccess } from './response.ts';
export { groupTracesByPartition, groupTracesByTraceId, sliceByResource, splitToFit, type TraceGroup } from './slice.ts';

// Kafka protocol error codes this client meets, by name (kafka-error.ts classifies by name), and
// which of them a retry (after a metadata refresh) can cure.

const NAMES: Record<number, string> = {
  [-1]: 'UNKNOWN_SERVER_ERROR',
  1: 'OFFSET_OUT_OF_RANGE',
  2: 'CORRUPT_MESSAGE',
  3: 'UNKNOWN_TOPIC_OR_PARTITION',
  5: 'LEADER_NOT_AVAILABLE',
  6: 'NOT_LEADER_OR_FOLLOWER',
  7: 'REQUEST_TIMED_OUT',
  8: 'BROKER_NOT_AVAILABLE',
  9: 'REPLICA_NOT_AVAILABLE',
  10: 'MESSAGE_TOO_LARGE',
  13: 'NETWORK_EXCEPTION',
  14: 'COORDINATOR_LOAD_IN_PROGRESS',
  15: 'COORDINATOR_NOT_AVAILABLE',
  17: 'INVALID_TOPIC_EXCEPTION',
  18: 'RECORD_LIST_TOO_LARGE',
  19: 'NOT_ENOUGH_REPLICAS',
  20: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  21: 'INVALID_REQUIRED_ACKS',
  29: 'TOPIC_AUTHORIZATION_FAILED',
  31: 'CLUSTER_AUTHORIZATION_FAILED',
  33: 'UNSUPPORTED_SASL_MECHANISM',
  34: 'ILLEGAL_SASL_STATE',
  35: 'UNSUPPORTED_VERSION',
  36: 'TOPIC_ALREADY_EXISTS',
  37: 'INVALID_PARTITIONS',
  38: 'INVALID_REPLICATION_FACTOR',
  41: 'NOT_CONTROLLER',
  42: 'INVALID_REQUEST',
  45: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
  46: 'DUPLICATE_SEQUENCE_NUMBER',
  47: 'INVALID_PRODUCER_EPOCH',
  56: 'KAFKA_STORAGE_ERROR',
  58: 'SASL_AUTHENTICATION_FAILED',
  59: 'UNKNOWN_PRODUCER_ID',
  74: 'FENCED_LEADER_EPOCH',
  75: 'UNKNOWN_LEADER_EPOCH',
  76: 'UNSUPPORTED_COMPRESSION_TYPE',
  87: 'INVALID_RECORD',
  89: 'THROTTLING_QUOTA_EXCEEDED',
  91: 'PRODUCER_FENCED',
};

const RETRIABLE = new Set([3, 5, 6, 7, 8, 9, 13, 14, 15, 19, 20, 41, 56, 74, 75, 89]);

export function errorName(code: number): string {
  return NAMES[code] ?? `KAFKA_ERROR_${code}`;
}

export function isRetriable(code: number): boolean {
  return RETRIABLE.has(code);
}

/**
 * A broker's refusal. `apiId` is the protocol name, where kafka-error.ts looks for it; `canRetry`
 * says whether a retry may cure it.
 */
export class KafkaProtocolError extends Error {
  readonly apiId: string;
  readonly code: number;
  readonly canRetry: boolean;

  constructor(code: number, what: string, detail?: string | null) {
    super(`${what}: ${errorName(code)}${detail ? ` (${detail})` : ''}`);
    this.name = 'KafkaProtocolError';
    this.code = code;
    this.apiId = errorName(code);
    this.canRetry = isRetriable(code);
  }
}

/** The connection failed or closed with requests under way: the broker may or may not have them. */
export class KafkaConnectionError extends Error {
  readonly canRetry = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaConnectionError';
  }
}

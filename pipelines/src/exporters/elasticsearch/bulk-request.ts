// Builds `_bulk` bodies: one `create` action per document with a deterministic `_id`, so a
// replay answers 409 instead of writing a duplicate.

export interface BulkOperation {
  index: string;
  id: string;
  /** The serialized document. */
  json: string;
  /** Index of the export item the document came from. */
  owner: number;
}

export function bulkBody(operations: BulkOperation[]): string {
  let body = '';
  for (const op of operations) {
    body += `{"create":{"_index":${JSON.stringify(op.index)},"_id":${JSON.stringify(op.id)}}}\n${op.json}\n`;
  }
  return body;
}

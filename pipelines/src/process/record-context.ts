import { BufferHeader } from '../buffer/buffer.ts';
import type { RecordContext } from '../components/component.ts';

/** What ingest recorded beside the payload (tenant, client address), as processors and exporters see it. */
export function recordContext(headers: Record<string, string>): RecordContext {
  return {
    tenant: headers[BufferHeader.tenant] || undefined,
    peerAddress: headers[BufferHeader.peerAddress] || undefined,
  };
}

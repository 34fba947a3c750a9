// The one seam between the non-OTLP log receivers (filelog, syslog) and ingest: they hand over an
// encoded OTLP ExportLogsServiceRequest and learn when it is durable in the buffer. Behind it is
// the admission path OTLP requests take (in-flight limit and tenant share, scan, append).
import type { Admission } from '../../ingest/admission.ts';

export type LogTransport = 'filelog' | 'syslog' | 'alertmanager';

export interface LogsSubmission {
  transport: LogTransport;
  tenant: string;
  /** The sender's address (syslog), for geoip on the resource; none for files. */
  peerAddress?: string;
}

/** Resolves once `body` is durable in the buffer; rejects with an OtelgateError (retryable or not). */
export type SubmitLogs = (body: Uint8Array, submission: LogsSubmission) => Promise<void>;

export function createLogsSubmitter(admission: Admission): SubmitLogs {
  return async (body, { transport, tenant, peerAddress }) => {
    await admission.admit({
      signal: 'logs',
      transport,
      tenant,
      json: false,
      peerAddress,
      async read(account) {
        account.charge(body.length);
        return body;
      },
    });
  };
}

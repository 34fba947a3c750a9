// Starts the receivers of logs that do not speak OTLP (filelog, syslog) the config asks for.
import type { Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Admission } from '../../ingest/admission.ts';
import type { FilelogConfig } from '../filelog/config.ts';
import { createFilelogReceiver } from '../filelog/factory.ts';
import type { SyslogConfig } from '../syslog/config.ts';
import { startSyslogReceiver } from '../syslog/factory.ts';
import { createLogsSubmitter } from './submit-logs.ts';

export interface LogReceiversConfig {
  filelog?: FilelogConfig;
  syslog?: SyslogConfig;
}

export interface LogReceivers {
  ports: { syslogUdp?: number; syslogTcp?: number };
  /** Stops reading and listening; what was read is appended (and checkpointed) within `graceMs`. */
  stop(graceMs: number): Promise<void>;
}

export async function startLogReceivers(
  config: LogReceiversConfig,
  context: { admission: Admission; logger: Logger; meter: Meter; dataDir: string },
): Promise<LogReceivers> {
  const receiverContext = { ...context, submit: createLogsSubmitter(context.admission) };
  const filelog = config.filelog ? createFilelogReceiver(config.filelog, receiverContext) : undefined;
  const syslog = config.syslog ? await startSyslogReceiver(config.syslog, receiverContext) : undefined;
  filelog?.start();
  return {
    ports: { syslogUdp: syslog?.ports.udp, syslogTcp: syslog?.ports.tcp },
    async stop(graceMs) {
      await Promise.all([filelog?.stop(), syslog?.stop(graceMs)]);
    },
  };
}

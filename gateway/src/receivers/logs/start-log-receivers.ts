// Starts the receivers of logs that do not speak OTLP (filelog, syslog, alertmanager) the config asks for.
import type { Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Admission } from '../../ingest/admission.ts';
import type { Server } from 'node:http';
import type { ReceiverMetrics } from '../../telemetry/self-metrics.ts';
import { startAlertmanagerReceiver } from '../alertmanager/alertmanager-receiver.ts';
import type { AlertmanagerReceiverConfig } from '../alertmanager/config.ts';
import { boundPort } from '../listen.ts';
import type { FilelogConfig } from '../filelog/config.ts';
import { createFilelogReceiver } from '../filelog/factory.ts';
import type { SyslogConfig } from '../syslog/config.ts';
import { startSyslogReceiver } from '../syslog/factory.ts';
import { createLogsSubmitter } from './submit-logs.ts';

export interface LogReceiversConfig {
  filelog?: FilelogConfig;
  syslog?: SyslogConfig;
  alertmanager?: AlertmanagerReceiverConfig;
}

export interface LogReceivers {
  ports: { syslogUdp?: number; syslogTcp?: number; alertmanager?: number };
  /** Stops reading and listening; what was read is appended (and checkpointed) within `graceMs`. */
  stop(graceMs: number): Promise<void>;
}

export async function startLogReceivers(
  config: LogReceiversConfig,
  context: { admission: Admission; logger: Logger; meter: Meter; dataDir: string; metrics: ReceiverMetrics },
): Promise<LogReceivers> {
  const receiverContext = { ...context, submit: createLogsSubmitter(context.admission) };
  const filelog = config.filelog ? createFilelogReceiver(config.filelog, receiverContext) : undefined;
  const syslog = config.syslog ? await startSyslogReceiver(config.syslog, receiverContext) : undefined;
  let alertmanager: Server | undefined;
  try {
    if (config.alertmanager) alertmanager = await startAlertmanagerReceiver(config.alertmanager, context);
  } catch (error) {
    await syslog?.stop(0);
    throw error;
  }
  filelog?.start();
  return {
    ports: {
      syslogUdp: syslog?.ports.udp,
      syslogTcp: syslog?.ports.tcp,
      alertmanager: alertmanager ? boundPort(alertmanager) : undefined,
    },
    async stop(graceMs) {
      const closed = alertmanager && new Promise((resolve) => alertmanager.close(resolve));
      alertmanager?.closeIdleConnections();
      await Promise.all([filelog?.stop(), syslog?.stop(graceMs), closed]);
    },
  };
}

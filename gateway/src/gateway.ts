import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { startAdminServer } from './admin/admin-server.ts';
import { createStatusReporter } from './admin/status/status-report.ts';
import { statusPage } from './admin/status/status-route.ts';
import { alertsAckRoute } from './admin/routes/alerts-ack-route.ts';
import { dlqRoute } from './admin/routes/dlq-route.ts';
import { type Acknowledger, createAcknowledger } from './alerts/acknowledge.ts';
import { reloadRoute } from './admin/routes/reload-route.ts';
import { tapRoute } from './admin/routes/tap-route.ts';
import { createTenantResolver } from './auth/api-keys.ts';
import { parseEndpoint } from './config/endpoint.ts';
import type { GatewayConfig } from './config/schema.ts';
import { openBuffer } from './buffer/open-buffer.ts';
import { Admission } from './ingest/admission.ts';
import { IngestService } from './ingest/ingest-service.ts';
import type { ProcessRole } from './process/start-process-role.ts';
import { startGrpcReceiver } from './receivers/grpc/grpc-receiver.ts';
import type { GrpcServer } from './receivers/grpc/grpc-server.ts';
import { startHttpReceiver } from './receivers/http/http-receiver.ts';
import { type LogReceivers, startLogReceivers } from './receivers/logs/start-log-receivers.ts';
import { createLogsSubmitter } from './receivers/logs/submit-logs.ts';
import { boundPort } from './receivers/listen.ts';
import { receiverTransports, startSelfTelemetry } from './telemetry/self-metrics.ts';
import { createReloader, type Reloader } from './reload/reloader.ts';
import { TapHub } from './tap/tap-hub.ts';
import { OTELGATE_VERSION } from './version.ts';

export interface RunningGateway {
  ports: { grpc?: number; http?: number; admin: number };
  /** SIGHUP and POST /reload: re-read the config file and apply what can change in place. */
  reloader: Reloader;
  /** Stop accepting, finish in-flight requests, drain and commit the process loop, close the buffer. */
  stop(): Promise<void>;
}

/** Assembles and starts every part the config asks for. */
export async function startGateway(
  config: GatewayConfig,
  logger: Logger,
  options: { configPath?: string } = {},
): Promise<RunningGateway> {
  const telemetry = startSelfTelemetry(OTELGATE_VERSION, receiverTransports(config));
  const buffer = await openBuffer(config, logger, telemetry.meter);
  const role = config.service.role;
  const runsIngest = role !== 'process';
  const runsProcess = role !== 'ingest';

  let processRole: ProcessRole | undefined;
  if (runsProcess) {
    // Loaded only by the roles that run it: the ingest role never loads the process loop, its
    // processors and exporters (docs/BENCHMARKS.md, "Ingest memory").
    const { startProcessRole } = await import('./process/start-process-role.ts');
    processRole = await startProcessRole(config, buffer, logger, telemetry.meter);
  }

  let httpServer: Server | undefined;
  let grpcServer: GrpcServer | undefined;
  let logReceivers: LogReceivers | undefined;
  let admission: Admission | undefined;
  let acknowledger: Acknowledger | undefined;
  if (runsIngest) {
    const ingest = new IngestService({
      producer: buffer.producer,
      metrics: telemetry.receiver,
      maxAnyValueDepth: config.limits.maxAnyValueDepth,
      keyByTraceId: buffer.kind === 'kafka',
      logger: logger.child({ component: 'ingest' }),
    });
    const tenants = createTenantResolver(config.auth);
    admission = new Admission({
      ingest,
      metrics: telemetry.receiver,
      maxInFlightBytes: config.limits.maxInFlightBytes,
      // Without keys every request is one tenant's: a share would only shrink the limit.
      tenantShare: tenants.enabled ? config.limits.tenantShare : 1,
      retryAfterSeconds: config.limits.retryAfterSeconds,
    });
    const shared = { admission, tenants, metrics: telemetry.receiver };
    const { http, grpc: grpcConfig } = config.receivers.otlp;
    if (http)
      httpServer = await startHttpReceiver({
        ...shared,
        config: http,
        logger: logger.child({ component: 'otlp-http' }),
      });
    if (grpcConfig)
      grpcServer = await startGrpcReceiver({
        ...shared,
        config: grpcConfig,
        logger: logger.child({ component: 'otlp-grpc' }),
      });
    logReceivers = await startLogReceivers(config.receivers, {
      admission,
      metrics: telemetry.receiver,
      logger,
      meter: telemetry.meter,
      dataDir: config.buffer.embedded.dir,
    });
    const history = config.receivers.alertmanager;
    if (history?.alertmanagerUrl)
      acknowledger = createAcknowledger({
        alertmanagerUrl: history.alertmanagerUrl,
        silenceMinutes: history.ackSilenceMinutes,
        tenant: history.tenant,
        submit: createLogsSubmitter(admission),
      });
  }

  const reloader = createReloader({
    configPath: options.configPath,
    config,
    switchPipelines: processRole?.pipelines.switchPipelines,
    logger: logger.child({ component: 'reload' }),
    meter: telemetry.meter,
  });
  const tap =
    processRole && new TapHub(processRole.pipelines.live, () => config.admin.tap, logger.child({ component: 'tap' }));
  const admin = await startAdminServer({
    endpoint: parseEndpoint(config.admin.endpoint)!,
    exporter: telemetry.exporter,
    readinessCacheMs: config.admin.readinessCacheMs,
    logger: logger.child({ component: 'admin' }),
    routes: [
      dlqRoute({ store: buffer.deadLetterStore, producer: buffer.producer }),
      reloadRoute(reloader),
      tapRoute(tap),
      alertsAckRoute(acknowledger),
    ],
    pages: [
      statusPage(
        createStatusReporter({
          version: OTELGATE_VERSION,
          role,
          reader: telemetry.exporter,
          thresholds: () => config.admin.status.thresholds,
          transports: receiverTransports(config),
          admission,
          maxInFlightBytes: config.limits.maxInFlightBytes,
          buffer: {
            kind: buffer.kind,
            dir: buffer.kind === 'embedded' ? config.buffer.embedded.dir : undefined,
            writable: runsIngest ? () => buffer.producer.isWritable() : undefined,
          },
          process: processRole && { running: () => processRole.isRunning(), graph: processRole.pipelines.live },
          log: () => config.log,
          reload: () => reloader.state(),
        }),
      ),
    ],
    adminToken: () => config.admin.token,
    checks: [
      ...(runsIngest ? [{ name: 'buffer_writable', ready: () => buffer.producer.isWritable() }] : []),
      ...(processRole ? [{ name: 'process_loop', ready: () => processRole.isRunning() }] : []),
    ],
  });

  return {
    ports: {
      http: httpServer ? boundPort(httpServer) : undefined,
      grpc: grpcServer?.port,
      admin: boundPort(admin),
    },
    reloader,
    async stop() {
      await logReceivers?.stop(config.service.shutdownGracePeriodSeconds * 500);
      await Promise.all([httpServer && closeHttp(httpServer), grpcServer?.close()]);
      await reloader.close();
      tap?.closeAll();
      await processRole?.stop();
      await buffer.close();
      await new Promise((resolve) => admin.close(resolve));
      await telemetry.shutdown();
    },
  };
}

/** Stops accepting; idle keep-alive sockets close now, busy ones after their request is answered. */
async function closeHttp(server: Server): Promise<void> {
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  await closed;
}

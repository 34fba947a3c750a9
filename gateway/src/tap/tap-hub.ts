// The taps attached to this process's pipelines. While none is attached the live graph hands out
// the built pipelines untouched; each attach or detach rebuilds the decorated view, inserting a
// pass-through node at each tapped point and wrapping each tapped exporter.
import type { Exporter, Processor } from '@otelgate/pipelines/components/component.ts';
import { SIGNALS, type Signal } from '@otelgate/pipelines/model/common.ts';
import type { SignalPipeline } from '@otelgate/pipelines/process/pipeline-graph.ts';
import type { Logger } from 'pino';
import type { LiveGraph } from '../reload/live-graph.ts';
import { formatTapPoint, locateTapPoint, redactionAfter, type TapPoint } from './tap-points.ts';
import { TapSession, type TapSessionOptions } from './tap-session.ts';

export interface TapSettings {
  allowBeforeRedaction: boolean;
  maxRatePerSecond: number;
  maxSessions: number;
}

/** Why a tap cannot attach, with the HTTP status to answer. */
export class TapRefusal extends Error {
  readonly status: 400 | 403 | 429;

  constructor(status: 400 | 403 | 429, message: string) {
    super(message);
    this.status = status;
  }
}

export class TapHub {
  private readonly sessions = new Set<TapSession>();
  private readonly live: LiveGraph;
  private readonly settings: () => TapSettings;
  private readonly logger: Logger;

  constructor(live: LiveGraph, settings: () => TapSettings, logger: Logger) {
    this.live = live;
    this.settings = settings;
    this.logger = logger;
    live.onSwap(() => this.revalidate());
  }

  /** Checks the request against the running pipelines and the settings, then attaches it. */
  attach(options: Omit<TapSessionOptions, 'signals'> & { signal?: Signal }): TapSession {
    const settings = this.settings();
    if (this.sessions.size >= settings.maxSessions)
      throw new TapRefusal(429, `${settings.maxSessions} taps are attached already (admin.tap.maxSessions)`);
    if (options.ratePerSecond > settings.maxRatePerSecond)
      throw new TapRefusal(400, `rate: at most ${settings.maxRatePerSecond} per second (admin.tap.maxRatePerSecond)`);
    const signals = this.signalsFor(options.point, options.signal);
    const session = new TapSession({ ...options, signals });
    this.sessions.add(session);
    this.refresh();
    this.logger.info(
      { point: formatTapPoint(options.point), signals, ratePerSecond: options.ratePerSecond },
      'tap attached',
    );
    return session;
  }

  detach(session: TapSession): void {
    if (!this.sessions.delete(session)) return;
    session.end();
    this.refresh();
    this.logger.info(
      { point: formatTapPoint(session.point), written: session.written, skipped: session.skipped },
      'tap detached',
    );
  }

  /** Ends every tap (the gateway is stopping: the admin server waits for open responses). */
  closeAll(): void {
    for (const session of this.sessions) this.detach(session);
  }

  /** The signals whose pipelines have the point; refused when none has, or one would show unredacted data. */
  private signalsFor(point: TapPoint, only: Signal | undefined): Signal[] {
    const candidates = only ? [only] : SIGNALS.filter((signal) => this.live.builtPipeline(signal));
    const signals = candidates.filter((signal) => {
      const pipeline = this.live.builtPipeline(signal);
      return pipeline && locateTapPoint(pipeline, point);
    });
    if (signals.length === 0)
      throw new TapRefusal(
        400,
        `point ${formatTapPoint(point)}: no ${only ? `${only} ` : ''}pipeline has it (${this.describePoints()})`,
      );
    if (!this.settings().allowBeforeRedaction) {
      for (const signal of signals) {
        const redact = redactionAfter(this.live.builtPipeline(signal)!, point);
        if (redact)
          throw new TapRefusal(
            403,
            `point ${formatTapPoint(point)} comes before the ${redact} processor of the ${signal} pipeline: ` +
              'a tap only shows redacted data (admin.tap.allowBeforeRedaction allows it)',
          );
      }
    }
    return signals;
  }

  private describePoints(): string {
    const points = SIGNALS.flatMap((signal) => {
      const pipeline = this.live.builtPipeline(signal);
      if (!pipeline) return [];
      const names = [
        'receive',
        ...pipeline.processors.map((node) => `after:${node.id}`),
        'end',
        ...pipeline.exporters.map((node) => `before:${node.id}`),
      ];
      return [`${signal}: ${names.join(', ')}`];
    });
    return points.length > 0 ? `points are ${points.join('; ')}` : 'this process runs no pipelines';
  }

  /** After a reload: taps whose point is gone, or now comes before redaction, are ended. */
  private revalidate(): void {
    for (const session of this.sessions) {
      try {
        this.signalsFor(session.point, session.signals.length === 1 ? session.signals[0] : undefined);
      } catch (error) {
        this.logger.warn(
          { point: formatTapPoint(session.point), reason: (error as Error).message },
          'tap ended by a reload',
        );
        this.detach(session);
      }
    }
    this.refresh();
  }

  private refresh(): void {
    this.live.setDecorator(this.sessions.size === 0 ? undefined : (pipeline) => this.decorate(pipeline));
  }

  private decorate(pipeline: SignalPipeline): SignalPipeline {
    const { signal } = pipeline;
    const sessions = [...this.sessions].filter((session) => session.signals.includes(signal));
    if (sessions.length === 0) return pipeline;
    const processors = [];
    for (let index = 0; index <= pipeline.processors.length; index++) {
      const here = sessions.filter((session) => {
        const at = locateTapPoint(pipeline, session.point);
        return at && 'index' in at && at.index === index;
      });
      if (here.length > 0) processors.push({ id: `tap:${index}`, processor: tapProcessor(signal, here) });
      if (index < pipeline.processors.length) processors.push(pipeline.processors[index]);
    }
    const exporters = pipeline.exporters.map((node, index) => {
      const here = sessions.filter((session) => {
        const at = locateTapPoint(pipeline, session.point);
        return at && 'exporter' in at && at.exporter === index;
      });
      return here.length > 0 ? { id: node.id, exporter: tappedExporter(node.exporter, here) } : node;
    });
    return { signal, processors, exporters };
  }
}

function tapProcessor(signal: Signal, sessions: TapSession[]): Processor {
  return {
    name: 'tap',
    signals: [signal],
    process(signal, data) {
      for (const session of sessions) session.offer(signal, data);
      return data;
    },
  };
}

function tappedExporter(exporter: Exporter, sessions: TapSession[]): Exporter {
  return {
    name: exporter.name,
    signals: exporter.signals,
    export(signal, items) {
      for (const item of items) for (const session of sessions) session.offer(signal, item.data);
      return exporter.export(signal, items);
    },
    shutdown: () => exporter.shutdown(),
  };
}

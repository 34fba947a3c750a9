// Shows what arrives, in the gateway's own log (the Collector's debug exporter). Never fails.
import type { Logger } from 'pino';
import type { Exporter, ExportItem, ExportResult, SignalData } from '../../components/component.ts';
import { SIGNALS, type Signal } from '../../model/common.ts';
import { forEachResource } from '../../process/item-count.ts';
import type { ToOtlpJson } from '../file/file-exporter.ts';
import type { DebugExporterConfig } from './config.ts';

export class DebugExporter implements Exporter {
  readonly name: string;
  readonly signals = SIGNALS;
  private readonly config: DebugExporterConfig;
  private readonly logger: Logger;
  private readonly toJson: ToOtlpJson;

  constructor(name: string, config: DebugExporterConfig, logger: Logger, toJson: ToOtlpJson) {
    this.name = name;
    this.config = config;
    this.logger = logger;
    this.toJson = toJson;
  }

  async export<S extends Signal>(signal: S, items: ExportItem<S>[]): Promise<ExportResult> {
    if (this.config.verbosity === 'basic') {
      let resources = 0;
      let count = 0;
      for (const item of items) {
        const summary = summarize(signal, item.data);
        resources += summary.resources;
        count += summary.items;
      }
      this.logger.info({ signal, records: items.length, resources, items: count }, `${signal} received`);
      return { rejected: [] };
    }
    for (const item of items) {
      const summary = summarize(signal, item.data);
      const fields = {
        signal,
        tenant: item.ctx.tenant,
        partition: item.source.partition,
        offset: item.source.offset.toString(),
        resources: summary.resources,
        items: summary.items,
        services: summary.services,
      };
      if (this.config.verbosity === 'detailed') {
        // Parsed back so the log line holds the request as a JSON object, not a quoted string.
        this.logger.info({ ...fields, data: JSON.parse(this.toJson(signal, item.data)) }, `${signal} received`);
      } else {
        this.logger.info(fields, `${signal} received`);
      }
    }
    return { rejected: [] };
  }

  async shutdown(): Promise<void> {}
}

interface Summary {
  resources: number;
  items: number;
  services: string[];
}

function summarize<S extends Signal>(signal: S, data: SignalData[S]): Summary {
  const summary: Summary = { resources: 0, items: 0, services: [] };
  forEachResource(signal, data, (resource, items) => {
    summary.resources++;
    summary.items += items;
    const service = resource.attributes.find((attribute) => attribute.key === 'service.name')?.value;
    if (service && 'stringValue' in service && !summary.services.includes(service.stringValue)) {
      summary.services.push(service.stringValue);
    }
  });
  return summary;
}

// Writes one OTLP/JSON export request per line, as the Collector's file exporter does
// (`{"resourceSpans":[...]}`), and confirms only once the lines are on disk.
import type { Exporter, ExportItem, ExportResult, SignalData } from '../../components/component.ts';
import { SIGNALS, type Signal } from '../../model/common.ts';
import type { FileExporterConfig } from './config.ts';
import { RotatingFile } from './rotating-file.ts';

/** OTLP/JSON of one export request (the codec's `toOtlpJson`). */
export type ToOtlpJson = <S extends Signal>(signal: S, data: SignalData[S]) => string;

const MiB = 1024 * 1024;

export class FileExporter implements Exporter {
  readonly name: string;
  readonly signals = SIGNALS;
  readonly file: RotatingFile;
  private readonly toJson: ToOtlpJson;

  constructor(name: string, config: FileExporterConfig, toJson: ToOtlpJson, now?: () => number) {
    this.name = name;
    this.toJson = toJson;
    this.file = new RotatingFile({
      path: config.path,
      maxBytes: Math.floor(config.rotation.maxMegabytes * MiB),
      maxBackups: config.rotation.maxBackups,
      now,
    });
  }

  start(): Promise<void> {
    return this.file.open();
  }

  async export<S extends Signal>(signal: S, items: ExportItem<S>[]): Promise<ExportResult> {
    const rejected: ExportResult['rejected'] = [];
    let text = '';
    items.forEach((item, index) => {
      try {
        text += this.toJson(signal, item.data) + '\n';
      } catch (error) {
        rejected.push({ index, reason: `cannot write as OTLP/JSON: ${(error as Error).message}` });
      }
    });
    if (text !== '') await this.file.write(Buffer.from(text, 'utf8'));
    return { rejected };
  }

  shutdown(): Promise<void> {
    return this.file.close();
  }
}

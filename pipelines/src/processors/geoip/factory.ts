import type { ProcessorFactory } from '@otelgate/pipelines/components/factory.ts';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import { type GeoipConfig, geoipConfigSchema } from './config.ts';
import { bundledDatabasePaths, GeoDatabase } from './geo-database.ts';
import { GeoipProcessor } from './geoip-processor.ts';
import { declareGeoipMetrics } from './metrics.ts';

export const geoipProcessorFactory: ProcessorFactory<GeoipConfig> = {
  type: 'geoip',
  kind: 'processor',
  configSchema: geoipConfigSchema,
  async create(config, context) {
    const bundled = bundledDatabasePaths();
    const path = config.database ?? bundled.ipv4;
    const ipv6Path = config.database ? config.databaseIpv6 : (config.databaseIpv6 ?? bundled.ipv6);
    const logger = context.logger.child({ component: context.id });
    let processor: GeoipProcessor | undefined;
    const database = new GeoDatabase({
      path,
      ipv6Path,
      reloadCheckIntervalMs: config.reloadCheckIntervalMs,
      logger,
      onReload: () => processor?.clearCache(),
    });
    try {
      await database.start();
    } catch (error) {
      throw new OtelgateError(
        'invalid-argument',
        `processors.${context.id}.database: cannot open ${path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    processor = new GeoipProcessor(context.id, config, database, declareGeoipMetrics(context.meter));
    return processor;
  },
};

// Deletes this exporter's daily indices older than `retentionDays` (the distribution in
// use may lack ILM; a periodic job works everywhere).
import type { Client } from '@elastic/elasticsearch';
import type { Logger } from 'pino';
import type { ElasticsearchExporterConfig } from './config.ts';
import { indexDayMs } from './index-naming.ts';

export async function deleteExpiredIndices(
  client: Client,
  config: ElasticsearchExporterConfig,
  logger: Logger,
  now = Date.now(),
): Promise<string[]> {
  if (config.retentionDays === 0) return [];
  const rows = (await client.cat.indices({
    index: `${config.indexPrefix}-*`,
    format: 'json',
    h: 'index',
    expand_wildcards: ['open', 'closed'],
  })) as { index?: string }[];
  const today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
  const cutoff = today - config.retentionDays * 86_400_000;
  const expired = rows
    .map((r) => r.index ?? '')
    .filter((index) => {
      const day = indexDayMs(config.indexPrefix, index);
      return day !== undefined && day < cutoff;
    });
  for (const index of expired) {
    await client.indices.delete({ index });
    logger.info({ index }, 'retention: deleted index');
  }
  return expired;
}

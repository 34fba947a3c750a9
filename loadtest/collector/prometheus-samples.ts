// Counts what reached Prometheus, by PromQL over the run's own metric names.

async function query(prometheusUrl: string, promql: string): Promise<number> {
  const url = `${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`;
  const body = (await (await fetch(url)).json()) as {
    status: string;
    data?: { result: { value: [number, string] }[] };
  };
  if (body.status !== 'success') throw new Error(`prometheus query failed: ${promql}: ${JSON.stringify(body)}`);
  return Number(body.data?.result[0]?.value[1] ?? 0);
}

/**
 * Series and samples of the metrics `names`, over the last `window`. One query per name: the
 * `_over_time` functions drop the metric name, so labelsets would collide across names.
 */
export async function countSamples(
  prometheusUrl: string,
  names: string[],
  window = '3h',
): Promise<{ series: number; samples: number }> {
  let series = 0;
  let samples = 0;
  for (const name of names) {
    series += await query(prometheusUrl, `count(count_over_time(${name}[${window}]))`);
    samples += await query(prometheusUrl, `sum(count_over_time(${name}[${window}]))`);
  }
  return { series, samples };
}

/** One thing wrong with a config, at a path in its YAML tree. */
export interface ConfigProblem {
  path: (string | number)[];
  message: string;
  /** For an unknown key: the key itself (at `path` is the mapping holding it), so its line is shown. */
  key?: string;
}

/** `exporters.file.rotation.maxMegabytes`, `pipelines.traces.exporters[1]`, `(top level)`. */
export function formatPath(path: readonly (string | number)[]): string {
  const text = path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
  return text || '(top level)';
}

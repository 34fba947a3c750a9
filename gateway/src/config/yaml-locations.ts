import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node, type Pair } from 'yaml';

export interface Location {
  line: number;
  column: number;
}

/**
 * Where a config path is in the YAML text: the value at the path, or for `key` the key itself in
 * the mapping at the path. A path that goes past what the file holds (a missing required option)
 * points at the deepest part that is there.
 */
export function locateInYaml(
  document: Document,
  lines: LineCounter,
  path: readonly (string | number)[],
  key?: string,
): Location | undefined {
  let node: unknown = document.contents;
  // The document root is no answer for a path that is not in the file at all (a default).
  let found: { range?: [number, number, number] | null } | undefined = path.length === 0 ? (node as Node) : undefined;
  const parts = key === undefined ? path : [...path, key];
  for (const [index, part] of parts.entries()) {
    let next: unknown;
    if (isMap(node)) {
      const pair = (node.items as Pair[]).find((item) => isScalar(item.key) && String(item.key.value) === String(part));
      if (!pair) break;
      if ((key !== undefined && index === parts.length - 1) || !pair.value) {
        found = pair.key as Node;
        break;
      }
      next = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      next = node.items[part];
    }
    if (!next) break;
    node = next;
    found = next as Node;
  }
  const offset = found?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

// The configs the README and docs/CONFIG.md show are configs the gateway accepts, as written.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../gateway/src/config/load-config.ts';

function yamlBlocks(path: string): string[] {
  const text = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]);
}

describe.each(['README.md', 'docs/CONFIG.md'])('config examples in %s', (path) => {
  const blocks = yamlBlocks(path);

  it('has examples', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((block, index) => [index, block]))('example %i validates', (_index, block) => {
    expect(() => parseConfigText(block as string, process.env, `${path} example`)).not.toThrow();
  });
});

// Strips what varies between occurrences of the same error from its message: ids, UUIDs, hex,
// numbers, quoted values, addresses. Input is capped by the caller; every pattern is bounded
// or anchored on a literal, so the work is linear.

const RULES: [RegExp, string][] = [
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>'],
  [/[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/g, '<email>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, '<ip>'],
  [/\b0x[0-9a-f]{1,64}\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]{0,63}\d)[0-9a-f]{8,64}\b/gi, '<hex>'],
  [/"[^"\n]{0,256}"|'[^'\n]{0,256}'|`[^`\n]{0,256}`/g, '<str>'],
  [/\d+(?:[.,]\d+)*/g, '<n>'],
  [/\s+/g, ' '],
];

export function normalizeMessage(message: string): string {
  let text = message;
  for (const [pattern, replacement] of RULES) text = text.replace(pattern, replacement);
  return text.trim();
}

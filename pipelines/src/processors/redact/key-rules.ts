// Which attribute keys have their whole value redacted, and which are never touched.

function normalize(segment: string): string {
  return segment.toLowerCase().replace(/[-_]/g, '');
}

export class KeyRules {
  private readonly sensitive: string[];
  private readonly allowed: Set<string>;
  private readonly verdicts = new Map<string, boolean>();

  constructor(sensitiveKeys: readonly string[], allowKeys: readonly string[]) {
    this.sensitive = sensitiveKeys.map(normalize);
    this.allowed = new Set(allowKeys);
  }

  isAllowed(key: string): boolean {
    return this.allowed.has(key);
  }

  /** The last dotted segment, normalized, ends with a configured key (`db.password`, `x-api-key`, `set-cookie`). */
  isSensitive(key: string): boolean {
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      const last = normalize(key.slice(key.lastIndexOf('.') + 1));
      verdict = this.sensitive.some((s) => last.endsWith(s));
      // Keys repeat endlessly; the cap only guards against random keys.
      if (this.verdicts.size < 10_000) this.verdicts.set(key, verdict);
    }
    return verdict;
  }
}

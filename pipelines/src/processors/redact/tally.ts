// Counts what one record had redacted (for its summary attributes) and what a batch had (for metrics).

export class RecordTally {
  count = 0;
  kinds: string[] = [];

  add(kind: string): void {
    this.count++;
    if (!this.kinds.includes(kind)) this.kinds.push(kind);
  }

  reset(): void {
    this.count = 0;
    this.kinds.length = 0;
  }
}

export class BatchTally {
  readonly byKind = new Map<string, number>();
  records = 0;
  truncatedDepth = 0;
  truncatedLength = 0;

  add(kind: string): void {
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
  }
}

/** Both tallies at once: what the value walker writes to. */
export interface Tallies {
  record: RecordTally;
  batch: BatchTally;
}

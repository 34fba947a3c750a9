// Which connections of a listener are idle (no request under way), longest idle first. At the
// connection cap, an idle connection is worth less than a new client: many idle keep-alive or
// never-speaking connections would otherwise hold every slot and lock everyone else out.

export class IdleConnections<C> {
  /** Requests under way per busy connection. */
  readonly #busy = new Map<C, number>();
  /** Idle connections and since when (ms), oldest first (a Map keeps insertion order). */
  readonly #idle = new Map<C, number>();

  get idleCount(): number {
    return this.#idle.size;
  }

  opened(connection: C): void {
    this.#idle.set(connection, performance.now());
  }

  /** A request started on `connection`; returns how many are under way on it now. */
  begin(connection: C): number {
    const count = this.#busy.get(connection);
    if (count !== undefined) {
      this.#busy.set(connection, count + 1);
      return count + 1;
    }
    if (this.#idle.delete(connection)) this.#busy.set(connection, 1);
    return 1;
  }

  /** A request on `connection` ended. */
  end(connection: C): void {
    const count = this.#busy.get(connection);
    if (count === undefined) return;
    if (count > 1) this.#busy.set(connection, count - 1);
    else {
      this.#busy.delete(connection);
      this.#idle.set(connection, performance.now());
    }
  }

  closed(connection: C): void {
    this.#busy.delete(connection);
    this.#idle.delete(connection);
  }

  /** Closes the connection idle longest; false when none is idle. */
  evictOne(close: (connection: C) => void): boolean {
    for (const connection of this.#idle.keys()) {
      this.#idle.delete(connection);
      close(connection);
      return true;
    }
    return false;
  }

  /** Closes every connection idle for `ms` or longer; returns how many. */
  closeIdleFor(ms: number, close: (connection: C) => void): number {
    const cutoff = performance.now() - ms;
    let closed = 0;
    for (const [connection, since] of this.#idle) {
      if (since > cutoff) break;
      this.#idle.delete(connection);
      close(connection);
      closed++;
    }
    return closed;
  }
}

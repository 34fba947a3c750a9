// Runs a check every interval, one at a time (a slow check never overlaps the next).
export class Watchdog {
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(intervalMs: number, check: () => Promise<void>) {
    const tick = () => {
      this.#timer = setTimeout(async () => {
        try {
          await check();
        } finally {
          if (!this.#stopped) tick();
        }
      }, intervalMs);
      this.#timer.unref();
    };
    tick();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}

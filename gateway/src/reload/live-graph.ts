// The pipeline graph the process loop sees: the one built at start, swapped for a rebuilt one on
// reload, and decorated with tap points while a tap is attached. Without taps, pipeline() hands out
// the built graph's own nodes: no cost per record.
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import type { PipelineGraph, SignalPipeline } from '@otelgate/pipelines/process/pipeline-graph.ts';

/** Rewrites a signal's pipeline (the tap inserts pass-through nodes); must keep the same components. */
export type PipelineDecorator = (pipeline: SignalPipeline) => SignalPipeline;

export class LiveGraph implements PipelineGraph {
  private current: PipelineGraph;
  private view = new Map<Signal, SignalPipeline>();
  private decorator: PipelineDecorator | undefined;
  private readonly listeners: (() => void)[] = [];

  constructor(initial: PipelineGraph) {
    this.current = initial;
    this.refresh();
  }

  get signals(): readonly Signal[] {
    return this.current.signals;
  }

  get processors() {
    return this.current.processors;
  }

  get exporters() {
    return this.current.exporters;
  }

  pipeline(signal: Signal): SignalPipeline | undefined {
    return this.view.get(signal);
  }

  /** The pipeline as built, without tap points. */
  builtPipeline(signal: Signal): SignalPipeline | undefined {
    return this.current.pipeline(signal);
  }

  /** Every rebuild is built with the same queue (reloadable-pipelines.ts), so this is the one queue. */
  get emitted() {
    return this.current.emitted;
  }

  start(): Promise<void> {
    return this.current.start();
  }

  shutdown(): Promise<void> {
    return this.current.shutdown();
  }

  setDecorator(decorator: PipelineDecorator | undefined): void {
    this.decorator = decorator;
    this.refresh();
  }

  /** Called after every swap (the tap re-checks its points). */
  onSwap(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Starts a freshly built graph's exporters, before any batch is paused. */
  async prepare(next: PipelineGraph): Promise<void> {
    await next.start();
  }

  /** Installs a prepared graph; the caller holds batches back meanwhile and shuts the returned one down. */
  swap(next: PipelineGraph): PipelineGraph {
    const previous = this.current;
    this.current = next;
    this.refresh();
    for (const listener of this.listeners) listener();
    return previous;
  }

  private refresh(): void {
    const view = new Map<Signal, SignalPipeline>();
    for (const signal of this.current.signals) {
      const built = this.current.pipeline(signal);
      if (built) view.set(signal, this.decorator ? this.decorator(built) : built);
    }
    this.view = view;
  }
}

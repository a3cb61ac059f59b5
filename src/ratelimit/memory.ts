import { type BucketState, takeTokens, unitsAt } from './bucket.ts';
import type {
  BucketDecision,
  RateLimitBackend,
  TakeRequest,
} from './shared.ts';

export interface MemoryBackendOptions {
  /** Milliseconds since the epoch (default Date.now). */
  clock?: () => number;
  /** Drop full buckets every this many calls (default 10000). */
  sweepEvery?: number;
}

interface Entry extends BucketState {
  fullAtMs: number;
}

/**
 * Buckets in a Map of this process: for one instance, for tests, and as
 * the stand-in while a shared backend is down.
 *
 * @example
 * const backend = new MemoryBackend();
 * await backend.take({ key: 'k', capacity: 10, periodMs: 1000, cost: 1 });
 */
export class MemoryBackend implements RateLimitBackend {
  readonly name = 'memory';
  readonly #buckets = new Map<string, Entry>();
  readonly #clock: () => number;
  readonly #sweepEvery: number;
  #calls = 0;

  constructor(options: MemoryBackendOptions = {}) {
    this.#clock = options.clock ?? Date.now;
    this.#sweepEvery = options.sweepEvery ?? 10_000;
  }

  /** Buckets held right now (full ones may linger until a sweep). */
  get size(): number {
    return this.#buckets.size;
  }

  async take(request: TakeRequest): Promise<BucketDecision> {
    const now = request.nowMs ?? this.#clock();
    const step = takeTokens(this.#buckets.get(request.key), request, now);
    if (step.next) {
      const fullAtMs = now + step.decision.resetMs;
      this.#buckets.set(request.key, { ...step.next, fullAtMs });
    }
    if (++this.#calls % this.#sweepEvery === 0) this.#sweep(now);
    return step.decision;
  }

  #sweep(now: number): void {
    for (const [key, entry] of this.#buckets) {
      if (entry.fullAtMs <= now) this.#buckets.delete(key);
    }
  }

  /** The whole tokens a bucket holds at `nowMs`, for inspection. */
  peek(request: TakeRequest, nowMs = this.#clock()): number {
    const units = unitsAt(this.#buckets.get(request.key), request, nowMs);
    return Math.floor(units / request.periodMs);
  }

  async close(): Promise<void> {
    this.#buckets.clear();
  }
}

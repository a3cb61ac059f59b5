import { describe, expect, it } from 'vitest';

import { takeTokens } from '../../src/ratelimit/bucket.ts';

const request = { key: 'k', capacity: 3, periodMs: 60_000, cost: 2 };

describe('takeTokens', () => {
  it('starts a new bucket full and spends the cost', () => {
    const step = takeTokens(undefined, request, 1000);
    expect(step.decision).toEqual({
      allowed: true,
      remaining: 1,
      retryAfterMs: 0,
      resetMs: 40_000,
    });
    expect(step.next).toEqual({ units: 60_000, updatedMs: 1000 });
  });

  it('refuses a cost above what is left and says when it would pass', () => {
    const state = { units: 60_000, updatedMs: 1000 };
    const step = takeTokens(state, request, 1000);
    expect(step.decision).toEqual({
      allowed: false,
      remaining: 1,
      retryAfterMs: 20_000,
      resetMs: 40_000,
    });
    expect(step.next).toBeUndefined();
  });

  it('refills capacity tokens per period and never beyond full', () => {
    const state = { units: 0, updatedMs: 0 };
    expect(takeTokens(state, request, 20_000).decision.allowed).toBe(false);
    expect(takeTokens(state, request, 40_000).decision).toEqual({
      allowed: true,
      remaining: 0,
      retryAfterMs: 0,
      resetMs: 60_000,
    });
    expect(takeTokens(state, request, 10_000_000).decision.remaining).toBe(1);
  });

  it('refills nothing when the clock goes back', () => {
    const state = { units: 60_000, updatedMs: 5000 };
    const step = takeTokens(state, { ...request, cost: 1 }, 1000);
    expect(step.decision.remaining).toBe(0);
    expect(step.next).toEqual({ units: 0, updatedMs: 5000 });
  });
});

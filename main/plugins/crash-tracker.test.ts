import { describe, expect, it } from 'vitest';
import { CrashTracker, type CrashPolicy } from './crash-tracker.ts';
import { DEFAULT_TIMING } from './supervisor-options.ts';

const FIVE_MINUTES = 5 * 60_000;

function tracker(policy: Partial<CrashPolicy> = {}) {
  const clock = { now: 1_000_000 };
  const crashes = new CrashTracker(
    { windowMs: DEFAULT_TIMING.crashWindowMs, maxCrashesInWindow: DEFAULT_TIMING.maxCrashesInWindow, backoffMs: DEFAULT_TIMING.backoffMs, ...policy },
    () => clock.now,
  );
  return { crashes, clock };
}

describe('the crash window', () => {
  it('restarts after the first two crashes with a growing backoff, and disables on the third within five minutes', () => {
    const { crashes, clock } = tracker();
    expect(crashes.record()).toEqual({ action: 'restart', crashes: 1, delayMs: 1000 });
    clock.now += 60_000;
    expect(crashes.record()).toEqual({ action: 'restart', crashes: 2, delayMs: 2000 });
    clock.now += 60_000;
    expect(crashes.record()).toEqual({ action: 'disable', crashes: 3 });
  });

  it('forgets crashes older than the window, so three crashes spread wider than it only restart', () => {
    const { crashes, clock } = tracker();
    expect(crashes.record().action).toBe('restart');
    clock.now += FIVE_MINUTES / 2;
    expect(crashes.record().action).toBe('restart');
    clock.now += FIVE_MINUTES / 2;
    // The first crash is exactly five minutes old: out of the window.
    expect(crashes.record()).toEqual({ action: 'restart', crashes: 2, delayMs: 2000 });
  });

  it('starts over after a reset (a start the user asked for)', () => {
    const { crashes } = tracker();
    crashes.record();
    crashes.record();
    crashes.reset();
    expect(crashes.record()).toEqual({ action: 'restart', crashes: 1, delayMs: 1000 });
  });

  it('caps the default backoff at 30 seconds', () => {
    const { crashes } = tracker({ maxCrashesInWindow: 100 });
    const delays = Array.from({ length: 8 }, () => (crashes.record() as { delayMs: number }).delayMs);
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('follows the policy it is given', () => {
    const { crashes } = tracker({ maxCrashesInWindow: 2, backoffMs: () => 10 });
    expect(crashes.record()).toEqual({ action: 'restart', crashes: 1, delayMs: 10 });
    expect(crashes.record()).toEqual({ action: 'disable', crashes: 2 });
  });
});

import { describe, expect, it } from '@jest/globals';
import {
  EXPECTATION_TTL_MS,
  Expectations,
  olderThan,
} from '../../../../src/controllers/maestro/expectations.js';
import { FakeClock } from '../../runtime/fake-clock.js';

describe('olderThan', () => {
  it.each<[string | undefined, string, boolean]>([
    [undefined, '5', true],
    ['4', '5', true],
    ['5', '5', false],
    ['6', '5', false],
    ['99', '100', true],
    ['abc', '5', false],
  ])('%s < %s is %s', (rv, than, expected) => {
    expect(olderThan(rv, than)).toBe(expected);
  });
});

describe('Expectations', () => {
  it('holds a write until the cache reaches its resourceVersion', () => {
    const e = new Expectations(new FakeClock());
    e.wrote('k', '10', 'h1');
    expect(e.writeInFlight('k', '9', 'h1')).toBe(true);
    expect(e.writeInFlight('k', undefined, 'h1')).toBe(true);
    // A different desired state is never skipped.
    expect(e.writeInFlight('k', '9', 'h2')).toBe(false);
    expect(e.writeInFlight('k', '10', 'h1')).toBe(false);
    e.observed('k', { resourceVersion: '10', gone: false });
    expect(e.writeInFlight('k', '9', 'h1')).toBe(false);
  });

  it('settles a write when the object is deleted after it', () => {
    const e = new Expectations(new FakeClock());
    e.wrote('k', '10', 'h');
    e.observed('k', { resourceVersion: '9', gone: false });
    expect(e.writeInFlight('k', undefined, 'h')).toBe(true);
    e.observed('k', { gone: true });
    expect(e.writeInFlight('k', undefined, 'h')).toBe(false);
  });

  it('holds a delete while the cache still shows the same object', () => {
    const e = new Expectations(new FakeClock());
    e.deleted('k', 'uid-1');
    expect(e.deleteInFlight('k', 'uid-1')).toBe(true);
    expect(e.deleteInFlight('k', 'uid-2')).toBe(false);
    e.observed('k', { uid: 'uid-2', resourceVersion: '3', gone: false });
    expect(e.deleteInFlight('k', 'uid-1')).toBe(false);
  });

  it('forgets after the TTL, in case an event was missed', () => {
    const clock = new FakeClock();
    const e = new Expectations(clock);
    e.wrote('k', '10', 'h');
    clock.advance(EXPECTATION_TTL_MS + 1);
    expect(e.writeInFlight('k', '9', 'h')).toBe(false);
  });
});

/** The test harness's `eventually`: what its timeout says. */
import { describe, expect, it } from '@jest/globals';
import { eventually } from '../../harness/eventually.js';

describe('eventually', () => {
  it('returns the first value that is not false', async () => {
    let n = 0;
    expect(await eventually(() => (++n >= 3 ? n : false), { timeout: 1_000, interval: 1 })).toBe(3);
  });

  it('names what it waited for, the last failure and, when asked, an explanation of the state', async () => {
    await expect(
      eventually(
        () => {
          throw new Error('not yet');
        },
        { timeout: 20, interval: 5, message: 'the thing', explain: () => Promise.resolve('state: X') },
      ),
    ).rejects.toThrow(/timed out after 20ms waiting for the thing: not yet\nstate: X/);
    await expect(
      eventually(() => false, {
        timeout: 20,
        interval: 5,
        explain: () => Promise.reject(new Error('unreachable')),
      }),
    ).rejects.toThrow(/still false\n\(no explanation: Error: unreachable\)/);
  });
});

/**
 * The empty rollout counts come from one place, typed by the status schema, and the console's
 * contract hands the same function to the browser app (its test fakes build summaries from it).
 */
import { describe, expect, it } from '@jest/globals';
import { emptyStateCounts, stateCountsSchema } from '../../../src/api/agentrollout-status.js';
import { emptyStateCounts as fromContract, rolloutSummarySchema } from '../../../src/console/contract.js';

describe('empty rollout counts', () => {
  it('are every state of the schema at zero', () => {
    const empty = emptyStateCounts();
    expect(Object.keys(empty).sort()).toEqual(Object.keys(stateCountsSchema.shape).sort());
    expect(Object.values(empty).every((n) => n === 0)).toBe(true);
    expect(stateCountsSchema.strict().parse(empty)).toEqual(empty);
  });

  it('are the same function for the status schema and the console contract, a fresh object each call', () => {
    expect(fromContract).toBe(emptyStateCounts);
    expect(emptyStateCounts()).not.toBe(emptyStateCounts());
    // What the console API answers with accepts it.
    expect(rolloutSummarySchema.shape.counts.parse(emptyStateCounts())).toEqual(emptyStateCounts());
  });
});

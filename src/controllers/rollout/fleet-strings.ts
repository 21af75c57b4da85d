/**
 * The string tables of the fleet caches, one per process: a cluster's name is shared by its
 * ManagedCluster, the namespace of its add-ons and works, the decisions that list it, the
 * membership chunks and the rollout states parsed from its annotations.
 */
import { StringInterner } from '../../runtime/index.js';

export const fleetInterner = new StringInterner();

/** One string through the fleet table (names read elsewhere than from objects: membership chunks). */
export const internString = (s: string): string => fleetInterner.string(s);

/**
 * Rollout state annotations (`cluster-state.ts`) are ~200 bytes of JSON, longer than the fleet
 * table keeps, yet the same on every cluster one reconcile started (same rollout, revision, start
 * time and values): a wave of 2,500 clusters holds one copy instead of 2,500. A small table of their
 * own, so values from past waves that no cached object holds any more stay bounded.
 */
const stateValues = new StringInterner(1024, Infinity);

export const internStateValue = (s: string): string => stateValues.string(s);

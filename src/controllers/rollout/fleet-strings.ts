/**
 * The string tables of the fleet caches, one per process: a cluster's name is shared by its
 * ManagedCluster, the namespace of its add-ons and works, the decisions that list it, the
 * membership chunks and the rollout states parsed from its annotations.
 */
import { StringInterner } from '../../runtime/index.js';

export const fleetInterner = new StringInterner();

/** One string through the fleet table (names read elsewhere than from objects: membership chunks). */
export const internString = (s: string): string => fleetInterner.string(s);

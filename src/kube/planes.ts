/**
 * The two API servers the operator talks to, and which one an object goes to. The table itself
 * (`planeFor`: annotation > namespace rule > kind table) is pure data in `src/api/planes.ts`, so
 * render can ask it too; every write here goes through `Planes.clientFor(obj)`, which asks it.
 */
import { planeFor, type PlacedObject, type PlaneName } from '../api/planes.js';
import type { KubeClient } from '../runtime/client/kube-client.js';

/** The two API servers the operator talks to. */
export interface Planes {
  data: KubeClient;
  control: KubeClient;
  /** True when both planes are the same API server (the usual, non-split hub). */
  same: boolean;
  /** The client for the plane `obj` belongs to. */
  clientFor(obj: PlacedObject): KubeClient;
  planeFor(obj: PlacedObject): PlaneName;
}

/** Builds `Planes`; pass the same client twice for a non-split hub. */
export function makePlanes(dataClient: KubeClient, controlClient: KubeClient): Planes {
  return {
    data: dataClient,
    control: controlClient,
    same: dataClient === controlClient || dataClient.server === controlClient.server,
    clientFor: (obj) => (planeFor(obj) === 'data' ? dataClient : controlClient),
    planeFor,
  };
}

/**
 * Names the Maestro controller uses beyond what render produces: the work-queue key, where the
 * transport rollout lives, and the annotation that fingerprints what we applied.
 */
import { MAESTRO_SINGLETON_NAME } from '../../api/maestro.js';

/** The controller's only work-queue key: everything maps to the singleton Maestro. */
export const MAESTRO_KEY = MAESTRO_SINGLETON_NAME;

/** The controller name in logs and metrics. */
export const CONTROLLER_NAME = 'maestro';

/**
 * Namespace of the default transport rollout. MCE hubs have it, with a ManagedClusterSetBinding to
 * the `global` ManagedClusterSet that holds every managed cluster (backplane-operator creates it
 * and deletes it on uninstall).
 */
export const GLOBAL_SET_NAMESPACE = 'open-cluster-management-global-set';
/** The ManagedClusterSet (and its binding) that holds every managed cluster. */
export const GLOBAL_CLUSTER_SET = 'global';
/** Name of the Placement and AgentRollout that move agents to the chosen transport. */
export const TRANSPORT_ROLLOUT_NAME = 'maestro-transport';

/**
 * Annotation holding a hash of the object as we last rendered it. The subset comparison can't see
 * a field we stopped setting (server-side apply would remove it); the hash changes when any field
 * of ours changes, including a removed one, so the object is applied again.
 */
export const SPEC_HASH_ANNOTATION = 'maestro.multicluster.openshift.io/spec-hash';

/** Helm's release annotation; the stolostron maestro-addon chart is installed as release `maestro-addon`. */
export const HELM_RELEASE_ANNOTATION = 'meta.helm.sh/release-name';
export const LEGACY_ADDON_NAME = 'maestro-addon';

/** Name of the component entry in the MultiClusterEngine's `status.components`. */
export const MCE_COMPONENT_ENTRY = 'maestro';

/** A look every few minutes even when nothing changed: capabilities and certificate renewal. */
export const RESYNC_MS = 5 * 60_000;
/** How often to look while the MultiClusterEngine API is not served (informers don't say when it is). */
export const MCE_API_POLL_MS = 10_000;
/** How often to look while an optional API (a CRD) is not served: informers don't say when it appears. */
export const NOT_SERVED_POLL_MS = 30_000;
/** Latest look after a reconcile that wrote objects and left status to the next one. */
export const STATUS_FOLLOW_UP_MS = 1_000;
/** A short wait while a cache of an optional API is still deciding whether the API is served. */
export const CACHE_WAIT_MS = 200;

/**
 * What the MCE operator (stolostron backplane-operator) does to the objects we touch, by MCE
 * version, and what we need from the MCE to work next to it without a write fight or data loss.
 * docs/mce-compatibility.md has the table with file and line for each behaviour.
 *
 *  - Before 2.17 (pinned module, backplane-2.11): no Maestro code; the webhook refuses both
 *    component names (`validComponent`), so only the annotation below can turn Maestro on.
 *  - 2.17: `maestro-preview` is MCE's own Maestro. Unless the component is externally managed,
 *    every reconcile on OpenShift runs `ensureMaestro` (its own install, same names as ours, SSA
 *    with Force) or `ensureNoMaestro` (deletes namespace `maestro`, ConfigMap grpc-server-config,
 *    Route grpc-server, and the ClusterManager's registrationConfiguration and
 *    serverConfiguration), and deleting the MCE deletes namespace `maestro`.
 *  - 5.0 and later: the same, and enabling `maestro-preview` is refused by the webhook and undone
 *    by the reconcile even when it is externally managed; the annotation is the only flag left.
 */
import { z } from 'zod';
import type { MultiClusterEngine } from './mce.js';
import { MAESTRO_PREVIEW_COMPONENT } from './mce.js';

/** backplane-operator `utils.AnnotationExternallyManaged`: a JSON array of component names. */
export const EXTERNALLY_MANAGED_ANNOTATION = 'installer.openshift.io/externally-managed';

/** The first MCE version whose operator reconciles `maestro-preview` (backplane-operator e96f9198). */
const MANAGES_MAESTRO_FROM = [2, 17] as const;

/** MCE's version as its status reports it (`status.currentVersion`, set once Available). */
export function mceVersion(mce: MultiClusterEngine): string | undefined {
  const parsed = z
    .object({ status: z.object({ currentVersion: z.string() }).partial().optional() })
    .safeParse(mce);
  return parsed.success ? parsed.data.status?.currentVersion : undefined;
}

/** Components the MCE leaves to someone else (an unreadable annotation counts as none, as in MCE). */
export function externallyManagedComponents(mce: MultiClusterEngine): string[] {
  const raw = mce.metadata.annotations?.[EXTERNALLY_MANAGED_ANNOTATION];
  if (!raw) return [];
  try {
    const list: unknown = JSON.parse(raw);
    return Array.isArray(list) ? list.filter((c): c is string => typeof c === 'string') : [];
  } catch {
    return [];
  }
}

/** Whether this MCE's operator reconciles its own `maestro-preview` (2.17 and later). */
export function mceManagesMaestro(mce: MultiClusterEngine): boolean {
  const m = /^(\d+)\.(\d+)/.exec(mceVersion(mce) ?? '');
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return (
    major > MANAGES_MAESTRO_FROM[0] || (major === MANAGES_MAESTRO_FROM[0] && minor >= MANAGES_MAESTRO_FROM[1])
  );
}

/**
 * Whether we may install and write next to this MCE: yes unless its operator reconciles
 * `maestro-preview` and the component is not externally managed; then the message says what MCE
 * would do and the one command that hands the component to us.
 */
export function coexistence(mce: MultiClusterEngine): { ok: true } | { ok: false; message: string } {
  if (!mceManagesMaestro(mce)) return { ok: true };
  const external = externallyManagedComponents(mce);
  if (external.includes(MAESTRO_PREVIEW_COMPONENT)) return { ok: true };
  const list = JSON.stringify([...external, MAESTRO_PREVIEW_COMPONENT]);
  return {
    ok: false,
    message:
      `MultiClusterEngine ${mce.metadata.name} (${mceVersion(mce) ?? ''}) reconciles its own ${MAESTRO_PREVIEW_COMPONENT} ` +
      'component: it would delete namespace maestro and reset the ClusterManager gRPC settings on every reconcile. ' +
      `Hand the component over with: oc annotate mce ${mce.metadata.name} --overwrite ${EXTERNALLY_MANAGED_ANNOTATION}='${list}' ` +
      '(nothing is installed or removed until then)',
  };
}

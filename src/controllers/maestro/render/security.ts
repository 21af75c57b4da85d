/**
 * Pod and container security contexts that meet the restricted Pod Security profile.
 *
 * On OpenShift the restricted-v2 SCC assigns UID, GID and fsGroup from the namespace range, so
 * pods set none. Elsewhere nothing assigns them, and an image whose default user is root fails
 * `runAsNonRoot`, so each image gets an explicit non-root UID:
 * - maestro: its Dockerfile (ubi9-minimal) sets no USER, i.e. root; 1001 is the UBI convention.
 * - postgresql: the sclorg image MCE uses runs as `postgres` (26); fsGroup 26 makes the volume
 *   writable. The official postgres image also accepts an arbitrary UID with a writable PGDATA.
 * - mosquitto: eclipse-mosquitto starts as root and drops to `mosquitto` (1883); we start there.
 */
import type { V1PodSecurityContext, V1SecurityContext } from '@kubernetes/client-node';

export type OperandImage = 'maestro' | 'postgresql' | 'mosquitto';

const NON_OPENSHIFT_IDS: Record<OperandImage, number> = { maestro: 1001, postgresql: 26, mosquitto: 1883 };

/** Pod-level context: non-root, RuntimeDefault seccomp, and explicit IDs off OpenShift. */
export function podSecurityContext(image: OperandImage, openshift: boolean): V1PodSecurityContext {
  const base: V1PodSecurityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
  if (openshift) return base;
  const id = NON_OPENSHIFT_IDS[image];
  return { ...base, runAsUser: id, runAsGroup: id, fsGroup: id, fsGroupChangePolicy: 'OnRootMismatch' };
}

/** Container-level context required by the restricted profile, plus a read-only root filesystem. */
export function containerSecurityContext(): V1SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

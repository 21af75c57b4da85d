/**
 * The klusterlet version a cluster list shows, as observed. Where a klusterlet rollout has touched
 * the cluster, its observer ManifestWork reports the images the agent's Klusterlet runs
 * (`registrationImage` feedback): the version is the one whose images those are, the cluster's pin
 * or the hub's, and none while they match neither (an upgrade on its way, or images set by hand).
 * Without feedback nothing on the hub says more than what the hub renders for the cluster: its pin,
 * else the hub's version.
 */
import type { VersionPin } from '../../controllers/rollout/derived-config.js';

export interface KlusterletVersionFacts {
  /** The cluster's pin (its derived KlusterletConfig), if any. */
  pin: VersionPin | null | undefined;
  hubVersion: string | undefined;
  /** The observer work's feedback values, by name (empty without one). */
  feedback: ReadonlyMap<string, string>;
}

export function observedKlusterletVersion(facts: KlusterletVersionFacts): string | undefined {
  const { pin, hubVersion, feedback } = facts;
  const image = feedback.get('registrationImage');
  if (image === undefined) return pin?.version ?? hubVersion;
  if (pin && image === pin.images.registration) return pin.version;
  // A pin records the hub's images it replaced; without a pin, feedback alone can't name the hub's.
  if (pin && image === pin.hubImages.registration) return hubVersion;
  return pin ? undefined : hubVersion;
}

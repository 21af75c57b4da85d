/**
 * The klusterlet version a cluster list shows, as observed. Where a klusterlet rollout has touched
 * the cluster, its observer ManifestWork reports the images the agent's Klusterlet runs
 * (`registrationImage` feedback): the version is the one whose images those are, the cluster's pin
 * or the hub's, and none while they match neither (an upgrade on its way, or images set by hand).
 * Without feedback nothing on the hub says more than what the hub renders for the cluster: its pin,
 * else the hub's version, shown as `rendered` so nobody mistakes it for what the agent runs.
 */
import type { VersionPin } from '../../controllers/rollout/derived-config.js';

export interface KlusterletVersionFacts {
  /** The cluster's pin (its derived KlusterletConfig), if any. */
  pin: VersionPin | null | undefined;
  hubVersion: string | undefined;
  /** The observer work's feedback values, by name (empty without one). */
  feedback: ReadonlyMap<string, string>;
}

/** A version and where it comes from: the agent's report, or what the hub renders for the cluster. */
export interface ShownKlusterletVersion {
  version: string;
  source: 'observed' | 'rendered';
}

export function observedKlusterletVersion(facts: KlusterletVersionFacts): ShownKlusterletVersion | undefined {
  const { pin, hubVersion, feedback } = facts;
  const shown = (version: string | undefined, source: ShownKlusterletVersion['source']) =>
    version === undefined ? undefined : { version, source };
  const image = feedback.get('registrationImage');
  if (image === undefined) return shown(pin?.version ?? hubVersion, 'rendered');
  if (pin && image === pin.images.registration) return shown(pin.version, 'observed');
  // A pin records the hub's images it replaced; without a pin, feedback alone can't name the hub's.
  if (pin && image === pin.hubImages.registration) return shown(hubVersion, 'observed');
  return pin ? undefined : shown(hubVersion, 'observed');
}

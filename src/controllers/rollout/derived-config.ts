/**
 * Derived KlusterletConfigs. A ManagedCluster selects one KlusterletConfig (plus `global`) with the
 * `agent.open-cluster-management.io/klusterlet-config` annotation, and both the klusterlet version
 * pin and the transport travel through that one slot. So each cluster's selection is composed of
 * three parts: the user's own config (the base), a version pin, and a transport; the operator
 * creates one derived config per distinct composition and the import controller renders it.
 *
 * The name is a hash of the composition, so all clusters with the same parts share one object;
 * the content is recomputed every reconcile from the base and `global`, so it follows the user's
 * edits (a single write that the import controller then renders for those clusters).
 */
import type { KlusterletImages } from '../../api/agentrollout.js';
import type { KlusterletConfig } from '../../api/upstream/ocm.js';
import { KLUSTERLET_CONFIG_API_VERSION } from '../../api/upstream/ocm.js';
import { canonicalJson, shortHash } from './revision.js';
import { STATE_ANNOTATION_PREFIX } from './cluster-state.js';

/** A version pin: each hub image (as the import controller renders it) maps to a target image. */
export interface VersionPin {
  version: string;
  images: KlusterletImages;
  hubImages: KlusterletImages;
}

/** Transport parts a KlusterletConfig can carry (mqtt agents come by ManifestWork instead). */
export type ConfigTransport = 'grpc' | 'kube';

export interface Composition {
  /** Name of the user's own KlusterletConfig ("" when the cluster had none). */
  base: string;
  pin: VersionPin | null;
  transport: ConfigTransport | null;
}

export const COMPOSITION_ANNOTATION = `${STATE_ANNOTATION_PREFIX}composition`;
export const DERIVED_CONFIG_PREFIX = 'mmo-';

/** The label that marks derived configs, for listing and pruning. */
export const DERIVED_CONFIG_LABEL = `${STATE_ANNOTATION_PREFIX}derived`;

/** True when the composition needs no derived config: the cluster selects its base directly. */
export function isPlain(c: Composition): boolean {
  return c.pin === null && c.transport === null;
}

/** The value of the cluster's klusterlet-config annotation for a composition ("" = no annotation). */
export function selectionFor(c: Composition): string {
  return isPlain(c) ? c.base : `${DERIVED_CONFIG_PREFIX}${shortHash(c)}`;
}

/** Reads the composition a derived config was made for; null for configs that aren't ours. */
export function compositionOf(config: KlusterletConfig | undefined): Composition | null {
  const raw = config?.metadata.annotations?.[COMPOSITION_ANNOTATION];
  if (!raw) return null;
  try {
    const c = JSON.parse(raw) as Composition;
    return typeof c.base === 'string'
      ? { base: c.base, pin: c.pin ?? null, transport: c.transport ?? null }
      : null;
  } catch {
    return null;
  }
}

/**
 * The composition behind a cluster's current selection: ours if it names a derived config we made,
 * otherwise the user's config as the base with nothing added.
 */
export function currentComposition(selection: string, derived: KlusterletConfig | undefined): Composition {
  return compositionOf(derived) ?? { base: selection, pin: null, transport: null };
}

/** Stable string form of a pin, for state annotations (`value`/`previous`); "" for none. */
export function pinValue(pin: VersionPin | null): string {
  return pin ? canonicalJson(pin) : '';
}

/** Inverse of `pinValue`. */
export function parsePin(value: string): VersionPin | null {
  if (!value) return null;
  try {
    return JSON.parse(value) as VersionPin;
  } catch {
    return null;
  }
}

/**
 * The derived KlusterletConfig for a composition: the base's spec, with `registries` = the base's
 * (or, when it has none, `global`'s, since a per-cluster list replaces global's wholesale) followed
 * by one full-image entry per hub image (the last matching entry wins in the import controller,
 * so the pins go last), and the registration driver for the transport.
 */
export function renderDerivedConfig(
  c: Composition,
  base: KlusterletConfig | undefined,
  global: KlusterletConfig | undefined,
  labels: Record<string, string>,
  currentHubImages: KlusterletImages | null = null,
): KlusterletConfig {
  const spec: Record<string, unknown> = { ...(base?.spec ?? {}) };
  if (c.pin) {
    const pin = c.pin;
    const inherited = base?.spec?.registries ?? global?.spec?.registries ?? [];
    // One entry per hub image the pin must survive: the hub's images when it was pinned and the
    // hub's images now (after an MCE upgrade the import controller renders from new env images).
    const sources = currentHubImages ? [pin.hubImages, currentHubImages] : [pin.hubImages];
    const pins: { source: string; mirror: string }[] = [];
    for (const hub of sources) {
      for (const k of ['registrationOperator', 'registration', 'work'] as const) {
        if (hub[k] !== pin.images[k] && !pins.some((p) => p.source === hub[k])) {
          pins.push({ source: hub[k], mirror: pin.images[k] });
        }
      }
    }
    spec.registries = [...inherited, ...pins];
  }
  if (c.transport === 'grpc') spec.registrationDriver = { authType: 'grpc' };
  if (c.transport === 'kube') spec.registrationDriver = { authType: 'csr' };
  return {
    apiVersion: KLUSTERLET_CONFIG_API_VERSION,
    kind: 'KlusterletConfig',
    metadata: {
      name: selectionFor(c),
      labels: { ...labels, [DERIVED_CONFIG_LABEL]: 'true' },
      annotations: { [COMPOSITION_ANNOTATION]: canonicalJson(c) },
    },
    spec: spec as KlusterletConfig['spec'],
  };
}

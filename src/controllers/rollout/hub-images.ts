/**
 * The klusterlet images the hub renders today: the import controller's environment
 * (REGISTRATION_OPERATOR_IMAGE, REGISTRATION_IMAGE, WORK_IMAGE on Deployment
 * `managedcluster-import-controller-v2`, stolostron/managedcluster-import-controller), which MCE
 * sets from its image manifest. Pins match these strings exactly, so they must be read, not guessed.
 */
import type { KlusterletImages } from '../../api/agentrollout.js';
import type { KubeClient, KubeObject } from '../../runtime/index.js';

export const IMPORT_CONTROLLER = {
  namespace: 'multicluster-engine',
  name: 'managedcluster-import-controller-v2',
};

type Deployment = KubeObject & {
  spec?: { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } };
};

/** Reads the images from the Deployment's environment; null when it or any of them is missing. */
export function imagesFromImportController(dep: Deployment | undefined): KlusterletImages | null {
  const env = new Map<string, string>();
  for (const c of dep?.spec?.template?.spec?.containers ?? []) {
    for (const e of c.env ?? []) if (e.value) env.set(e.name, e.value);
  }
  const registrationOperator = env.get('REGISTRATION_OPERATOR_IMAGE');
  const registration = env.get('REGISTRATION_IMAGE');
  const work = env.get('WORK_IMAGE');
  return registrationOperator && registration && work ? { registrationOperator, registration, work } : null;
}

/** Caches the lookup for a short while: every klusterlet reconcile needs it. */
export class HubImages {
  private cached: { at: number; images: KlusterletImages | null } | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly where = IMPORT_CONTROLLER,
    private readonly ttlMs = 30_000,
  ) {}

  async get(now: number): Promise<KlusterletImages | null> {
    if (this.cached && now - this.cached.at < this.ttlMs) return this.cached.images;
    const dep = (await this.client.get({ apiVersion: 'apps/v1', kind: 'Deployment', ...this.where })) as
      Deployment | undefined;
    const images = imagesFromImportController(dep);
    this.cached = { at: now, images };
    return images;
  }
}

/**
 * The simulated import controller and work agents: `<cluster>-klusterlet` is re-rendered from the
 * hub env images through the merged KlusterletConfig (prefix rewrite, last matching entry wins, a
 * per-cluster list replaces global's), written only on real changes, reported Applied/Available at
 * the new generation, and a ReadOnly observer work's JSONPath feedback shows the new images.
 */
import { describe, expect, it } from '@jest/globals';
import { consistently, eventually, sleep } from '../../harness/eventually.js';
import { KLUSTERLET_CONFIG_ANNOTATION, klusterletWorkName } from '../../harness/fleet/index.js';
import {
  atGeneration,
  feedback,
  getWork,
  HUB_IMAGES,
  KC_API,
  MC_API,
  observerWork,
  useFleet,
  WORK_API,
  type Obj,
} from './helpers.js';

const MIRROR = 'mirror.example.com/stolostron';
const PINNED_OPERATOR = 'quay.io/stolostron/registration-operator@sha256:2163';

const env = useFleet('fleet-import', { clusters: 5 });
const one = 'cluster-1';
const two = 'cluster-2';

const workOf = (cluster: string) => getWork(env.client, cluster, klusterletWorkName(cluster));

/** The images rendered into a klusterlet work: operator Deployment image and the Klusterlet's three. */
function renderedImages(work: Obj | undefined) {
  const manifests = ((work?.spec?.workload as { manifests?: Obj[] } | undefined)?.manifests ?? []) as (Obj & {
    spec: Record<string, unknown>;
  })[];
  const deployment = manifests.find((m) => m.kind === 'Deployment');
  const klusterlet = manifests.find((m) => m.kind === 'Klusterlet');
  const containers = (deployment?.spec.template as { spec: { containers: { image: string }[] } }).spec
    .containers;
  return {
    operatorDeployment: containers[0]?.image,
    imagePullSpec: klusterlet?.spec.imagePullSpec,
    registration: klusterlet?.spec.registrationImagePullSpec,
    work: klusterlet?.spec.workImagePullSpec,
    driver: (
      klusterlet?.spec.registrationConfiguration as { registrationDriver?: { authType?: string } } | undefined
    )?.registrationDriver?.authType,
  };
}

async function setConfig(name: string, spec: Record<string, unknown>) {
  await env.client.apply(
    { apiVersion: KC_API, kind: 'KlusterletConfig', metadata: { name }, spec },
    { fieldManager: 'test' },
  );
}

async function annotate(cluster: string, config: string | null) {
  await env.client.patch(
    { apiVersion: MC_API, kind: 'ManagedCluster', name: cluster },
    { metadata: { annotations: { [KLUSTERLET_CONFIG_ANNOTATION]: config } } },
    'merge',
  );
}

/** Feedback on the Klusterlet, the operator Deployment and (Singleton) the agent Deployment. */
const observer = (cluster: string) =>
  observerWork(
    cluster,
    {
      imagePullSpec: '.spec.imagePullSpec',
      registrationImage: '.spec.registrationImagePullSpec',
      klusterletAvailable: '.status.conditions[?(@.type=="Available")].status',
      klusterletGeneration: '.metadata.generation',
    },
    {
      klusterlet: {
        operatorImage: '.spec.template.spec.containers[0].image',
        operatorReady: '.status.readyReplicas',
      },
      'klusterlet-agent': { agentImage: '.spec.template.spec.containers[0].image' },
    },
  );

const observed = async (cluster: string) => feedback(await getWork(env.client, cluster, 'observer'));

describe('import controller and work agents', () => {
  it('renders the hub env images and reports the work applied at its generation', async () => {
    for (const c of env.fleet.names) {
      const work = await workOf(c);
      expect(work?.metadata.generation).toBe(1);
      expect(work?.metadata.labels?.['import.open-cluster-management.io/klusterlet-works']).toBe('true');
      expect(renderedImages(work)).toEqual({
        operatorDeployment: HUB_IMAGES.registrationOperator,
        imagePullSpec: HUB_IMAGES.registrationOperator,
        registration: HUB_IMAGES.registration,
        work: HUB_IMAGES.work,
        driver: undefined,
      });
      expect(atGeneration(work, 'Applied') && atGeneration(work, 'Available')).toBe(true);
    }
    await env.client.create(observer(one));
    await eventually(async () => {
      const fb = await observed(one);
      expect(fb).toEqual({
        imagePullSpec: HUB_IMAGES.registrationOperator,
        registrationImage: HUB_IMAGES.registration,
        klusterletAvailable: 'True',
        klusterletGeneration: '1',
        operatorImage: HUB_IMAGES.registrationOperator,
        operatorReady: '1',
        agentImage: HUB_IMAGES.registrationOperator,
      });
    });
    expect(env.fleet.audit.of(one, 'work').map((e) => e.value)).toEqual(['observer']);
  });

  it('re-renders every cluster once when global changes, with the prefix rewrite', async () => {
    await setConfig('global', { registries: [{ source: 'quay.io/stolostron', mirror: MIRROR }] });
    for (const c of env.fleet.names)
      await eventually(async () => {
        const work = await workOf(c);
        expect(work?.metadata.generation).toBe(2);
        expect(renderedImages(work).registration).toBe(`${MIRROR}/registration@sha256:2170`);
        expect(atGeneration(work, 'Applied') && atGeneration(work, 'Available')).toBe(true);
      });
  });

  it('pins one cluster: the last matching entry wins, global is replaced, other clusters untouched', async () => {
    await setConfig('pin', {
      // global's mirror repeated (a per-cluster list replaces global's), then the full-image pin.
      registries: [
        { source: 'quay.io/stolostron', mirror: MIRROR },
        { source: HUB_IMAGES.registrationOperator, mirror: PINNED_OPERATOR },
      ],
      registrationDriver: { authType: 'grpc' },
    });
    await annotate(one, 'pin');
    const work = await eventually(async () => {
      const w = await workOf(one);
      expect(w?.metadata.generation).toBe(3);
      expect(atGeneration(w, 'Applied') && atGeneration(w, 'Available')).toBe(true);
      return w;
    });
    expect(renderedImages(work)).toEqual({
      operatorDeployment: PINNED_OPERATOR,
      imagePullSpec: PINNED_OPERATOR,
      registration: `${MIRROR}/registration@sha256:2170`,
      work: `${MIRROR}/work@sha256:2170`,
      driver: 'grpc',
    });
    await eventually(async () => {
      const fb = await observed(one);
      expect(fb).toMatchObject({
        imagePullSpec: PINNED_OPERATOR,
        operatorImage: PINNED_OPERATOR,
        agentImage: PINNED_OPERATOR,
        registrationImage: `${MIRROR}/registration@sha256:2170`,
        klusterletGeneration: '3',
        klusterletAvailable: 'True',
      });
    });
    await consistently(async () => (await workOf(two))?.metadata.generation === 2, { duration: 1000 });
    expect(env.fleet.audit.of(one, 'klusterlet-config').map((e) => e.value)).toEqual(['pin']);
  });

  it('keeps the previous render while the named KlusterletConfig does not exist', async () => {
    await annotate(two, 'not-yet');
    await consistently(async () => (await workOf(two))?.metadata.generation === 2, { duration: 1500 });
    await setConfig('not-yet', {
      registries: [{ source: HUB_IMAGES.registration, mirror: 'quay.io/x/registration:v9' }],
    });
    await eventually(async () => {
      const w = await workOf(two);
      expect(w?.metadata.generation).toBe(3);
      // No global entries repeated: the other images fall back to the plain hub env images.
      expect(renderedImages(w)).toMatchObject({
        registration: 'quay.io/x/registration:v9',
        work: HUB_IMAGES.work,
      });
    });
  });

  it('puts back an edited klusterlet work', async () => {
    const ref = { apiVersion: WORK_API, kind: 'ManifestWork', namespace: two, name: klusterletWorkName(two) };
    await env.client.patch(ref, { spec: { workload: { manifests: [] } } }, 'merge');
    await eventually(async () => {
      const w = await workOf(two);
      expect(w?.metadata.generation).toBe(5);
      expect(renderedImages(w).registration).toBe('quay.io/x/registration:v9');
    });
  });

  it('re-renders everyone on a hub upgrade; a pin whose source no longer matches stops pinning', async () => {
    const next = {
      registrationOperator: 'quay.io/stolostron/registration-operator@sha256:2180',
      registration: 'quay.io/stolostron/registration@sha256:2180',
      work: 'quay.io/stolostron/work@sha256:2180',
    };
    const before = new Map<string, number>();
    for (const c of env.fleet.names) before.set(c, (await workOf(c))?.metadata.generation ?? 0);
    await env.fleet.setHubImages(next, '2.18.0');
    for (const c of env.fleet.names)
      await eventually(async () => {
        const w = await workOf(c);
        expect(w?.metadata.generation).toBe((before.get(c) ?? 0) + 1);
        expect(atGeneration(w, 'Available')).toBe(true);
      });
    expect(renderedImages(await workOf(one)).operatorDeployment).toBe(
      `${MIRROR}/registration-operator@sha256:2180`,
    );
    const mce = await env.client.get<Obj>({
      apiVersion: 'multicluster.openshift.io/v1',
      kind: 'MultiClusterEngine',
      name: 'multiclusterengine',
    });
    expect((mce?.status as { currentVersion?: string }).currentVersion).toBe('2.18.0');
  });

  it('writes nothing more once everything has settled, observers included', async () => {
    await sleep(500);
    const before = JSON.stringify(env.fleet.stats().writes);
    await consistently(() => JSON.stringify(env.fleet.stats().writes) === before, { duration: 1500 });
  });
});

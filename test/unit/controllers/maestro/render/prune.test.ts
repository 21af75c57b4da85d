import { describe, expect, it } from '@jest/globals';
import { defaultMaestroSpec, maestroSpecSchema } from '../../../../../src/api/maestro.js';
import {
  isRetainedData,
  PRUNABLE_KINDS,
  PRUNE_LABEL_SELECTOR,
  renderDisabled,
  renderMaestro,
  selectPrunable,
  type ObjectRef,
} from '../../../../../src/controllers/maestro/render/index.js';
import { clusterManager, EXTERNAL_DB, renderInput } from './fixtures.js';

describe('prune data', () => {
  it('selects our objects by managed-by and part-of', () => {
    expect(PRUNE_LABEL_SELECTOR).toBe(
      'app.kubernetes.io/managed-by=mce-maestro-operator,app.kubernetes.io/part-of=maestro',
    );
  });

  it('lists every kind render produces across modes', () => {
    const produced = new Set<string>();
    const variants = [
      renderInput(),
      renderInput({ spec: { transport: 'mqtt' } }),
      renderInput({
        routes: false,
        openshift: false,
        spec: {
          transport: 'mqtt',
          broker: { embedded: { exposure: 'NodePort', hostname: 'h.example.com' } },
        },
      }),
      renderInput({
        clusterManager: clusterManager({
          registrationConfiguration: { featureGates: [{ feature: 'NetworkPolicies', mode: 'Enable' }] },
        }),
      }),
    ];
    for (const input of variants)
      for (const { object } of renderMaestro(input).objects)
        produced.add(`${object.apiVersion} ${object.kind}`);
    const listed = new Set(PRUNABLE_KINDS.map((k) => `${k.apiVersion} ${k.kind}`));
    expect([...produced].filter((k) => !listed.has(k))).toEqual([]);
    expect([...listed].filter((k) => !produced.has(k))).toEqual([]);
  });
});

describe('selectPrunable', () => {
  const ref = (kind: string, name: string, namespace?: string): ObjectRef => ({
    apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
    kind,
    name,
    ...(namespace ? { namespace } : {}),
  });

  it('deletes what is no longer desired after switching mqtt -> grpc, keeping retained data', () => {
    const spec = defaultMaestroSpec();
    const desired = renderMaestro(renderInput());
    const existing = [
      ref('Deployment', 'maestro', 'maestro'),
      ref('Deployment', 'maestro-mqtt', 'maestro'),
      ref('Secret', 'maestro-mqtt-certs', 'maestro'),
      ref('Secret', 'maestro-mqtt-ca', 'maestro'),
      ref('Namespace', 'maestro'),
    ];
    expect(selectPrunable(existing, desired, spec)).toEqual([
      ref('Deployment', 'maestro-mqtt', 'maestro'),
      ref('Secret', 'maestro-mqtt-certs', 'maestro'),
    ]);
  });

  it('keeps retained data when disabled, and only the namespace when retainDataOnDisable is false', () => {
    const existing = [
      ref('Namespace', 'maestro'),
      ref('Secret', 'maestro-db-config', 'maestro'),
      ref('Secret', 'maestro-mqtt-ca', 'maestro'),
      ref('Deployment', 'maestro', 'maestro'),
    ];
    expect(selectPrunable(existing, null, defaultMaestroSpec())).toEqual([
      ref('Deployment', 'maestro', 'maestro'),
    ]);
    expect(selectPrunable(existing, null, maestroSpecSchema.parse({ retainDataOnDisable: false }))).toEqual(
      existing.filter((r) => r.kind !== 'Namespace'),
    );
  });

  it("never prunes another namespace's data, whatever retainDataOnDisable says here", () => {
    // The Maestro object was deleted (defaults: namespace maestro) or names another namespace now.
    const elsewhere = [
      ref('Namespace', 'maestro-data'),
      ref('Secret', 'maestro-db-config', 'maestro-data'),
      ref('Secret', 'maestro-mqtt-ca', 'maestro-data'),
      ref('Deployment', 'maestro', 'maestro-data'),
    ];
    const desired = renderMaestro(renderInput());
    for (const spec of [defaultMaestroSpec(), maestroSpecSchema.parse({ retainDataOnDisable: false })]) {
      expect(selectPrunable(elsewhere, desired, spec)).toEqual([
        ref('Deployment', 'maestro', 'maestro-data'),
      ]);
      expect(selectPrunable(elsewhere, null, spec)).toEqual([ref('Deployment', 'maestro', 'maestro-data')]);
      expect(isRetainedData(spec, ref('Secret', 'maestro-db-config', 'maestro-data'))).toBe(true);
    }
    expect(isRetainedData(defaultMaestroSpec(), ref('Secret', 'maestro-db-config', 'maestro'))).toBe(true);
    expect(
      isRetainedData(
        maestroSpecSchema.parse({ retainDataOnDisable: false }),
        ref('Secret', 'maestro-db-config', 'maestro'),
      ),
    ).toBe(false);
    expect(isRetainedData(defaultMaestroSpec(), ref('Secret', 'maestro-mqtt-certs', 'maestro-data'))).toBe(
      false,
    );
  });

  it('keeps a retained DB Secret after switching to an external database', () => {
    const spec = maestroSpecSchema.parse({
      database: { type: 'External', external: { secretRef: { name: 'x' } } },
    });
    const desired = renderMaestro(renderInput({ spec, external: { database: EXTERNAL_DB } }));
    expect(selectPrunable([ref('Secret', 'maestro-db-config', 'maestro')], desired, spec)).toEqual([]);
  });
});

describe('renderDisabled', () => {
  it('retains data and releases our ClusterManager fields', () => {
    const plan = renderDisabled(defaultMaestroSpec(), clusterManager());
    expect(plan.retained.map((r) => `${r.kind}/${r.name}`)).toEqual([
      'Namespace/maestro',
      'Secret/maestro-db-config',
      'Secret/maestro-db-ca',
      'Secret/maestro-mqtt-ca',
    ]);
    expect(plan.clusterManagerRelease).toEqual({
      apiVersion: 'operator.open-cluster-management.io/v1',
      kind: 'ClusterManager',
      metadata: { name: 'cluster-manager' },
    });
  });
});

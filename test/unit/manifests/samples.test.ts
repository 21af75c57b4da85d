/**
 * The samples in config/samples (also the bundle's alm-examples) are valid for the operator, not
 * only for the API server: every Maestro parses, every AgentRollout's spec parses and its rollout
 * policy compiles (time zones, RRULEs, windows against deadlines).
 */
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { kustomizeResources, readRepoFile } from '../../../hack/bundle.js';
import { agentRolloutSpecSchema } from '../../../src/api/agentrollout.js';
import { maestroSchema } from '../../../src/api/maestro.js';
import { validateRolloutPolicy } from '../../../src/rollout/validate.js';

const samples = kustomizeResources('config/samples', readRepoFile);
const ofKind = (kind: string) => samples.filter((o) => o.kind === kind);

describe('config/samples', () => {
  it('has a Maestro for mqtt with an external database, and its Secret', () => {
    const [maestro] = ofKind('Maestro').map((o) => maestroSchema.parse(o));
    expect(maestro?.spec.transport).toBe('mqtt');
    expect(maestro?.spec.database.type).toBe('External');
    const secretName = maestro?.spec.database.external?.secretRef.name;
    const secret = ofKind('Secret').find((s) => s.metadata.name === secretName);
    expect(secret?.metadata.namespace).toBe(maestro?.spec.namespace);
    expect(Object.keys((secret?.stringData as Record<string, string>) ?? {})).toEqual(
      expect.arrayContaining(['db.host', 'db.port', 'db.user', 'db.password', 'db.name']),
    );
  });

  it('has AgentRollouts for a klusterlet upgrade, an add-on upgrade and a transport switch', () => {
    const rollouts = ofKind('AgentRollout').map((o) => ({
      name: o.metadata.name,
      spec: agentRolloutSpecSchema.parse(o.spec),
    }));
    expect(rollouts.map((r) => Object.keys(r.spec.target)[0]).sort()).toEqual([
      'addOn',
      'klusterlet',
      'transport',
    ]);
    const addOn = rollouts.find((r) => r.spec.target.addOn);
    expect(addOn?.spec.maintenanceWindows?.length).toBeGreaterThan(0);
    expect(addOn?.spec.failurePolicy?.maxFailures).toBeDefined();
    for (const r of rollouts) {
      const { target: _t, placementRef: _p, approved: _a, versionSkewPolicy: _v, ...policy } = r.spec;
      const result = validateRolloutPolicy(policy);
      expect({ name: r.name, errors: result.ok ? [] : result.errors }).toEqual({ name: r.name, errors: [] });
    }
    // Each rollout's Placement is among the samples, in its namespace.
    const placements = ofKind('Placement').map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    for (const o of ofKind('AgentRollout')) {
      const ref = (o.spec as { placementRef: { name: string } }).placementRef.name;
      expect(placements).toContain(`${o.metadata.namespace}/${ref}`);
    }
  });

  it('has the MultiClusterEngine patch that turns Maestro on', () => {
    const patch = parse(readRepoFile('config/samples/multiclusterengine-enable-maestro.patch.yaml')) as {
      spec: { overrides: { components: { name: string; enabled: boolean }[] } };
    };
    expect(patch.spec.overrides.components).toEqual([{ name: 'maestro', enabled: true }]);
  });
});

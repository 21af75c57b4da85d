/**
 * The simulated addon-manager: desired configs from CMA defaults overridden by MCA spec.configs,
 * desiredConfig with the add-on framework's spec hash, then after the agent delay
 * lastAppliedConfig = desiredConfig and Progressing False/Completed.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { eventually } from '../../harness/eventually.js';
import { addOnConfigName } from '../../harness/fleet/index.js';
import { ADDON_API, cond, useFleet, type Obj } from './helpers.js';

const ADDON = 'managed-serviceaccount';
const CONFIG_NS = 'multicluster-engine';
const ADC = { group: 'addon.open-cluster-management.io', resource: 'addondeploymentconfigs' };

const env = useFleet('fleet-addon', {
  clusters: 4,
  addOns: [{ name: ADDON, versions: ['2.17.0', '2.17.1'] }],
});

interface ConfigRef {
  group: string;
  resource: string;
  desiredConfig?: { namespace?: string; name: string; specHash: string };
  lastAppliedConfig?: { namespace?: string; name: string; specHash: string };
}

const mcaOf = (cluster: string) =>
  env.client.get<Obj>({
    apiVersion: ADDON_API,
    kind: 'ManagedClusterAddOn',
    namespace: cluster,
    name: ADDON,
  });
const refsOf = (mca: Obj | undefined) => (mca?.status?.configReferences ?? []) as ConfigRef[];

const sorted = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sorted)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
        )
      : v;

/**
 * The add-on framework's hash of the config as the API server stores it (with CRD defaults such as
 * agentInstallNamespace): sha256 of `{"spec":{...}}` with sorted keys.
 */
async function hashOf(version: string): Promise<string> {
  const adc = await env.client.get<Obj>({
    apiVersion: ADDON_API,
    kind: 'AddOnDeploymentConfig',
    namespace: CONFIG_NS,
    name: addOnConfigName(ADDON, version),
  });
  expect(adc?.spec?.agentInstallNamespace).toBe('open-cluster-management-agent-addon');
  return createHash('sha256')
    .update(JSON.stringify(sorted({ spec: adc?.spec })))
    .digest('hex');
}

async function pointAt(cluster: string, name: string) {
  await env.client.patch(
    { apiVersion: ADDON_API, kind: 'ManagedClusterAddOn', namespace: cluster, name: ADDON },
    { spec: { configs: [{ ...ADC, namespace: CONFIG_NS, name }] } },
    'merge',
  );
}

describe('addon-manager', () => {
  it('starts every add-on on the CMA default config, applied', async () => {
    for (const c of env.fleet.names) {
      const mca = await mcaOf(c);
      const applied = {
        namespace: CONFIG_NS,
        name: addOnConfigName(ADDON, '2.17.0'),
        specHash: await hashOf('2.17.0'),
      };
      expect(refsOf(mca)).toEqual([
        expect.objectContaining({ ...ADC, desiredConfig: applied, lastAppliedConfig: applied }),
      ]);
      expect(mca?.status?.supportedConfigs).toEqual([ADC]);
      expect(cond(mca, 'Progressing')).toMatchObject({
        status: 'False',
        reason: 'Completed',
        message: 'completed with no errors.',
      });
      expect(cond(mca, 'Available')).toMatchObject({ status: 'True', reason: 'ProbeAvailable' });
    }
  });

  it('applies an MCA spec.configs change: desired at once, lastApplied and Completed after the agent', async () => {
    const [c = ''] = env.fleet.names;
    const target = {
      namespace: CONFIG_NS,
      name: addOnConfigName(ADDON, '2.17.1'),
      specHash: await hashOf('2.17.1'),
    };
    await pointAt(c, target.name);
    const seen: string[] = [];
    await eventually(
      async () => {
        const mca = await mcaOf(c);
        const p = cond(mca, 'Progressing');
        seen.push(`${p?.status}/${p?.reason}`);
        expect(refsOf(mca)[0]?.desiredConfig).toEqual(target);
        expect(refsOf(mca)[0]?.lastAppliedConfig).toEqual(target);
        expect(p).toMatchObject({ status: 'False', reason: 'Completed' });
      },
      { interval: 20 },
    );
    expect(seen).toContain('True/Progressing');
    expect(env.fleet.audit.of(c, 'mca-configs')).toEqual([
      expect.objectContaining({
        value: { addon: ADDON, configs: [{ ...ADC, namespace: CONFIG_NS, name: target.name }] },
      }),
    ]);
    // The other clusters kept the default.
    expect(refsOf(await mcaOf(env.fleet.names[1] ?? ''))[0]?.desiredConfig?.name).toBe(
      addOnConfigName(ADDON, '2.17.0'),
    );
  });

  it('waits for a config object that does not exist yet', async () => {
    const c = env.fleet.names[1] ?? '';
    const name = addOnConfigName(ADDON, '2.18.0');
    await pointAt(c, name);
    await eventually(async () => {
      const mca = await mcaOf(c);
      expect(refsOf(mca)[0]?.desiredConfig).toEqual({ namespace: CONFIG_NS, name, specHash: '' });
      expect(refsOf(mca)[0]?.lastAppliedConfig?.name).toBe(addOnConfigName(ADDON, '2.17.0'));
      expect(cond(mca, 'Progressing')).toMatchObject({ status: 'True', reason: 'Progressing' });
    });
    await env.client.create({
      apiVersion: ADDON_API,
      kind: 'AddOnDeploymentConfig',
      metadata: { name, namespace: CONFIG_NS },
      spec: { customizedVariables: [{ name: 'AGENT_VERSION', value: '2.18.0' }] },
    });
    const specHash = await hashOf('2.18.0');
    await eventually(async () => {
      const mca = await mcaOf(c);
      expect(refsOf(mca)[0]?.lastAppliedConfig).toEqual({ namespace: CONFIG_NS, name, specHash });
      expect(cond(mca, 'Progressing')).toMatchObject({ status: 'False', reason: 'Completed' });
    });
  });

  it('flags a config group/resource the add-on does not support', async () => {
    const c = env.fleet.names[2] ?? '';
    await env.client.patch(
      { apiVersion: ADDON_API, kind: 'ManagedClusterAddOn', namespace: c, name: ADDON },
      {
        spec: {
          configs: [{ group: 'addon.open-cluster-management.io', resource: 'addontemplates', name: 'x' }],
        },
      },
      'merge',
    );
    await eventually(async () => {
      expect(cond(await mcaOf(c), 'Progressing')).toMatchObject({
        status: 'False',
        reason: 'ConfigurationUnsupported',
      });
    });
  });
});

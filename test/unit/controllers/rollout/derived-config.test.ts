import { describe, expect, it } from '@jest/globals';
import {
  compositionOf,
  isPlain,
  renderDerivedConfig,
  selectionFor,
  type Composition,
} from '../../../../src/controllers/rollout/derived-config.js';
import { KLUSTERLET_CONFIG_API_VERSION, type KlusterletConfig } from '../../../../src/api/upstream/ocm.js';

const hub = { registrationOperator: 'q/op:2.16', registration: 'q/reg:2.16', work: 'q/work:2.16' };
const target = { registrationOperator: 'q/op:2.17', registration: 'q/reg:2.17', work: 'q/work:2.17' };
const config = (name: string, spec: KlusterletConfig['spec']): KlusterletConfig => ({
  apiVersion: KLUSTERLET_CONFIG_API_VERSION,
  kind: 'KlusterletConfig',
  metadata: { name },
  spec,
});

describe('derived KlusterletConfigs', () => {
  const pinned: Composition = {
    base: '',
    pin: { version: '2.17.0', images: target, hubImages: hub },
    transport: null,
  };

  it('pins each hub image to its target with full-image entries, after the inherited registries', () => {
    const global = config('global', { registries: [{ source: 'q', mirror: 'mirror.local/q' }] });
    const out = renderDerivedConfig(pinned, undefined, global, {});
    expect(out.spec?.registries).toEqual([
      { source: 'q', mirror: 'mirror.local/q' },
      { source: 'q/op:2.16', mirror: 'q/op:2.17' },
      { source: 'q/reg:2.16', mirror: 'q/reg:2.17' },
      { source: 'q/work:2.16', mirror: 'q/work:2.17' },
    ]);
  });

  it("copies the user's config and keeps its registries instead of global's", () => {
    const base = config('proxy', {
      registries: [{ mirror: 'user.local' }],
      hubKubeAPIServerConfig: { url: 'https://x' },
    } as never);
    const out = renderDerivedConfig(
      { ...pinned, base: 'proxy' },
      base,
      config('global', { registries: [{ mirror: 'g' }] }),
      {},
    );
    expect(out.spec?.registries?.[0]).toEqual({ mirror: 'user.local' });
    expect((out.spec as Record<string, unknown>).hubKubeAPIServerConfig).toEqual({ url: 'https://x' });
  });

  it("also matches the hub's current images so a pin survives a hub upgrade", () => {
    const now = { registrationOperator: 'q/op:2.18', registration: 'q/reg:2.18', work: 'q/work:2.18' };
    const sources = renderDerivedConfig(pinned, undefined, undefined, {}, now).spec?.registries?.map(
      (r) => r.source,
    );
    expect(sources).toEqual([
      'q/op:2.16',
      'q/reg:2.16',
      'q/work:2.16',
      'q/op:2.18',
      'q/reg:2.18',
      'q/work:2.18',
    ]);
  });

  it('carries the registration driver of the transport and reads its composition back', () => {
    const grpc: Composition = { base: 'proxy', pin: null, transport: 'grpc' };
    const out = renderDerivedConfig(grpc, undefined, undefined, { team: 'x' });
    expect(out.spec?.registrationDriver).toEqual({ authType: 'grpc' });
    expect(out.metadata.name).toBe(selectionFor(grpc));
    expect(out.metadata.name).toMatch(/^mmo-[0-9a-f]{10}$/);
    expect(compositionOf(out)).toEqual(grpc);
  });

  it('names equal compositions equally and selects the base when nothing is added', () => {
    expect(selectionFor({ base: 'a', pin: null, transport: 'kube' })).toBe(
      selectionFor({ transport: 'kube', pin: null, base: 'a' } as Composition),
    );
    expect(isPlain({ base: 'proxy', pin: null, transport: null })).toBe(true);
    expect(selectionFor({ base: 'proxy', pin: null, transport: null })).toBe('proxy');
  });
});

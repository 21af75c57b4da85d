import { describe, expect, it } from '@jest/globals';
import { ApiError, NotServedError } from '../../../src/runtime/client/errors.js';
import { RestMapper } from '../../../src/runtime/client/rest-mapper.js';
import { FakeClock } from './fake-clock.js';

const coreV1 = {
  resources: [
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { name: 'configmaps/status', kind: 'ConfigMap', namespaced: true },
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
  ],
};
const notFound = () => new ApiError(404, 'NotFound', 'not found', undefined, undefined, 'GET /apis/x');

describe('RestMapper', () => {
  it('maps kinds from discovery, skips subresources, and caches per group-version', async () => {
    const calls: string[] = [];
    const m = new RestMapper(async (path) => {
      calls.push(path);
      return coreV1;
    });
    expect(await m.mapping('v1', 'ConfigMap')).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      group: '',
      version: 'v1',
      resource: 'configmaps',
      namespaced: true,
    });
    expect((await m.mapping('v1', 'Namespace')).namespaced).toBe(false);
    expect(calls).toEqual(['/api/v1']);
  });

  it('uses /apis/<group>/<version> for named groups', async () => {
    const calls: string[] = [];
    const m = new RestMapper(async (path) => {
      calls.push(path);
      return { resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true }] };
    });
    expect((await m.mapping('apps/v1', 'Deployment')).group).toBe('apps');
    expect(calls).toEqual(['/apis/apps/v1']);
  });

  it('throws NotServedError for a missing group-version, and refreshes on a later miss (rate limited)', async () => {
    const clock = new FakeClock();
    let served = false;
    let calls = 0;
    const m = new RestMapper(
      async () => {
        calls++;
        if (!served) throw notFound();
        return { resources: [{ name: 'widgets', kind: 'Widget', namespaced: false }] };
      },
      { clock, minRefreshMs: 1000 },
    );
    await expect(m.mapping('example.com/v1', 'Widget')).rejects.toBeInstanceOf(NotServedError);
    served = true;
    // Within the refresh interval the negative answer is reused: no discovery storm.
    await expect(m.mapping('example.com/v1', 'Widget')).rejects.toBeInstanceOf(NotServedError);
    expect(calls).toBe(1);
    clock.advance(1000);
    expect((await m.mapping('example.com/v1', 'Widget')).resource).toBe('widgets');
    expect(calls).toBe(2);
  });

  it('refreshes a cached group-version when a new kind is asked for', async () => {
    const clock = new FakeClock();
    let resources = [{ name: 'a', kind: 'A', namespaced: true }];
    const m = new RestMapper(async () => ({ resources }), { clock, minRefreshMs: 10 });
    await m.mapping('g.io/v1', 'A');
    resources = [...resources, { name: 'b', kind: 'B', namespaced: true }];
    clock.advance(10);
    expect((await m.mapping('g.io/v1', 'B')).resource).toBe('b');
  });

  it('shares one discovery request between concurrent misses', async () => {
    let calls = 0;
    const m = new RestMapper(async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      return coreV1;
    });
    await Promise.all([
      m.mapping('v1', 'ConfigMap'),
      m.mapping('v1', 'Namespace'),
      m.mapping('v1', 'ConfigMap'),
    ]);
    expect(calls).toBe(1);
  });

  it('propagates errors other than 404 (API server down) without caching them', async () => {
    const clock = new FakeClock();
    let fail = true;
    const m = new RestMapper(
      async () => {
        if (fail) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return coreV1;
      },
      { clock },
    );
    await expect(m.mapping('v1', 'ConfigMap')).rejects.toThrow('ECONNREFUSED');
    fail = false;
    clock.advance(1000);
    expect((await m.mapping('v1', 'ConfigMap')).resource).toBe('configmaps');
  });

  it('forgets a group-version on invalidate', async () => {
    let calls = 0;
    const m = new RestMapper(async () => {
      calls++;
      return coreV1;
    });
    await m.mapping('v1', 'ConfigMap');
    m.invalidate('v1');
    await m.mapping('v1', 'ConfigMap');
    expect(calls).toBe(2);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { EventRecorder, toMicroTime } from '../../../src/runtime/events.js';
import { FakeClock } from './fake-clock.js';
import { fakeClient, SERVER } from './nock-helpers.js';

beforeAll(() => {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
// Each test file loads its own nock; deactivate ours so the next file's sees the requests.
afterAll(() => nock.restore());

const eventsDiscovery = () =>
  nock(SERVER)
    .get('/apis/events.k8s.io/v1')
    .reply(200, { resources: [{ name: 'events', kind: 'Event', namespaced: true }] });

const regarding = {
  apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
  kind: 'Maestro',
  metadata: { name: 'cluster', uid: 'u-1', resourceVersion: '4' },
};
const input = { type: 'Warning' as const, reason: 'ApplyFailed', action: 'Apply', note: 'could not apply' };

describe('toMicroTime', () => {
  it('writes six fractional digits, as MicroTime requires', () => {
    expect(toMicroTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02T03:04:05.678000Z');
  });
});

describe('EventRecorder', () => {
  it('creates an events.k8s.io/v1 Event and folds a repeat into a series patch', async () => {
    const clock = new FakeClock();
    eventsDiscovery();
    let created: Record<string, unknown> = {};
    let patch: unknown;
    nock(SERVER)
      .post('/apis/events.k8s.io/v1/namespaces/default/events')
      .query(true)
      .reply(201, (_u, body) => {
        created = body as Record<string, unknown>;
        return body;
      })
      .patch(/\/apis\/events\.k8s\.io\/v1\/namespaces\/default\/events\/cluster\.[0-9a-f]{16}$/)
      .query(true)
      .reply(200, (_u, body) => {
        patch = body;
        return {};
      });
    const r = new EventRecorder({ client: fakeClient(), reportingInstance: 'pod-1_abc', clock });
    await r.event(regarding, input);
    expect(created).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      reportingController: 'mce-maestro-operator',
      reportingInstance: 'pod-1_abc',
      type: 'Warning',
      reason: 'ApplyFailed',
      action: 'Apply',
      note: 'could not apply',
      eventTime: toMicroTime(clock.now()),
      regarding: { kind: 'Maestro', name: 'cluster', uid: 'u-1' },
    });
    clock.advance(1_000);
    await r.event(regarding, input);
    expect(JSON.parse(String(patch))).toEqual({
      series: { count: 2, lastObservedTime: toMicroTime(clock.now()) },
    });
  });

  it('never rejects, even when the API server refuses the write', async () => {
    eventsDiscovery();
    nock(SERVER)
      .post('/apis/events.k8s.io/v1/namespaces/default/events')
      .query(true)
      .reply(403, { kind: 'Status', code: 403, reason: 'Forbidden', message: 'no' });
    const r = new EventRecorder({ client: fakeClient(), reportingInstance: 'x' });
    await expect(r.event(regarding, input)).resolves.toBeUndefined();
  });

  it('drops events beyond its rate limit', async () => {
    const clock = new FakeClock();
    eventsDiscovery();
    let posts = 0;
    nock(SERVER)
      .post('/apis/events.k8s.io/v1/namespaces/default/events')
      .query(true)
      .times(10)
      .reply(201, () => {
        posts++;
        return {};
      });
    const r = new EventRecorder({ client: fakeClient(), reportingInstance: 'x', clock, burst: 3, qps: 1 });
    for (let i = 0; i < 6; i++) await r.event(regarding, { ...input, note: `n${i}` });
    expect(posts).toBe(3);
  });
});

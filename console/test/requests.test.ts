// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createRolloutRequestSchema } from '../src/lib/contract';
import { ApiFailure } from '../src/lib/http';
import { failureOutcome, fieldHasError, validationOutcome } from '../src/lib/outcome';
import {
  buildCreateRollout,
  defaultKlusterletImages,
  parseLabelList,
  parseNameList,
  transportRolloutName,
  type UpdateForm,
} from '../src/lib/requests';
import { parseRoute, routeHref } from '../src/lib/router';
import { groupAwaitingApproval, mergeRollouts, succeeded } from '../src/lib/rollouts';
import { counts, rollout } from './fake-region';

const form = (patch: Partial<UpdateForm>): UpdateForm => ({
  namespace: 'fleet',
  name: 'up',
  kind: 'klusterlet',
  version: '2.18.0',
  addOnName: '',
  addOnConfig: '',
  ...defaultKlusterletImages('2.18.0'),
  transport: 'grpc',
  placement: 'all',
  clusters: '',
  maxConcurrency: '',
  ...patch,
});

describe('buildCreateRollout', () => {
  it('builds a klusterlet rollout over a placement that the contract accepts', () => {
    const body = buildCreateRollout(form({ maxConcurrency: '25%' }));
    expect(createRolloutRequestSchema.parse(body)).toEqual({
      namespace: 'fleet',
      name: 'up',
      placement: 'all',
      maxConcurrency: '25%',
      target: {
        klusterlet: {
          version: '2.18.0',
          images: {
            registrationOperator: 'quay.io/open-cluster-management/registration-operator:v2.18.0',
            registration: 'quay.io/open-cluster-management/registration:v2.18.0',
            work: 'quay.io/open-cluster-management/work:v2.18.0',
          },
        },
      },
    });
  });

  it('builds an add-on rollout with the <addon>-<version> config by default, over picked clusters', () => {
    const body = buildCreateRollout(
      form({ kind: 'addOn', addOnName: 'managed-serviceaccount', clusters: 'a b,c', maxConcurrency: '10' }),
    );
    expect(createRolloutRequestSchema.parse(body)).toMatchObject({
      clusters: ['a', 'b', 'c'],
      maxConcurrency: 10,
      target: {
        addOn: {
          name: 'managed-serviceaccount',
          version: '2.18.0',
          config: {
            group: 'addon.open-cluster-management.io',
            resource: 'addondeploymentconfigs',
            name: 'managed-serviceaccount-2.18.0',
          },
        },
      },
    });
    expect(body.placement).toBeUndefined();
  });

  it('builds a transport rollout; bad input fails validation naming the field', () => {
    expect(buildCreateRollout(form({ kind: 'transport', transport: 'mqtt' })).target).toEqual({
      transport: { type: 'mqtt' },
    });
    const bad = createRolloutRequestSchema.safeParse(buildCreateRollout(form({ namespace: 'Not_A_Label' })));
    expect(bad.success).toBe(false);
    if (!bad.success)
      expect(validationOutcome(bad.error.issues, 'Update')).toMatchObject({
        kind: 'error',
        field: 'namespace',
      });
    const badVersion = createRolloutRequestSchema.safeParse(buildCreateRollout(form({ version: 'latest' })));
    expect(badVersion.success).toBe(false);
    if (!badVersion.success)
      expect(validationOutcome(badVersion.error.issues, 'Update')).toMatchObject({
        field: 'target.klusterlet.version',
      });
  });

  it('names a transport rollout as a valid DNS subdomain even for long cluster names', () => {
    const name = transportRolloutName('c'.repeat(250), 'mqtt', 1_700_000_000_000);
    expect(name.length).toBeLessThanOrEqual(253);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
    expect(name.endsWith('-mqtt-loyw3v28')).toBe(true);
  });
});

describe('form text parsing', () => {
  it('parses label lists and name lists', () => {
    expect(parseLabelList('a=b, c = d\ne=')).toEqual({ labels: { a: 'b', c: 'd', e: '' } });
    expect(parseLabelList('a=b, oops')).toEqual({ error: 'label "oops" is not key=value' });
    expect(parseNameList(' a, b  c,,')).toEqual(['a', 'b', 'c']);
  });
});

describe('outcomes', () => {
  it('keeps the server message verbatim and matches fields by path', () => {
    const o = failureOutcome(
      new ApiFailure('http', 'exact words from the API server', 403, 'labels.team', 'Forbidden'),
      'Saving',
    );
    expect(o).toEqual({
      kind: 'error',
      title: 'Saving failed (HTTP 403 Forbidden)',
      message: 'exact words from the API server',
      field: 'labels.team',
    });
    expect(fieldHasError(o, 'labels')).toBe(true);
    expect(fieldHasError(o, 'labels.team')).toBe(true);
    expect(fieldHasError(o, 'name')).toBe(false);
    expect(
      fieldHasError({ kind: 'error', title: '', message: '', field: 'target' }, 'target.klusterlet.version'),
    ).toBe(true);
  });
});

describe('router', () => {
  it('round-trips routes, including names that need escaping', () => {
    expect(parseRoute('#/clusters/eu%20west/a.b')).toEqual({
      page: 'cluster',
      region: 'eu west',
      name: 'a.b',
    });
    expect(parseRoute(routeHref({ page: 'cluster', region: 'r/1', name: 'x' }))).toEqual({
      page: 'cluster',
      region: 'r/1',
      name: 'x',
    });
    expect(parseRoute('')).toEqual({ page: 'regions' });
    expect(parseRoute('#/rollouts')).toEqual({ page: 'rollouts' });
    expect(parseRoute('#/nope')).toEqual({ page: 'regions' });
  });
});

describe('rollout view', () => {
  it('merges by region, finds the group to approve and counts successes', () => {
    const twoDone = counts({ succeeded: 2 });
    const r = rollout('ns', 'b', {
      groups: [
        { name: 'canary', index: 0, mandatory: true, approval: 'Approved', total: 2, counts: twoDone },
        {
          name: 'rest',
          index: 1,
          mandatory: false,
          approval: 'Waiting',
          total: 5,
          counts: counts({ succeeded: 1 }),
        },
      ],
    });
    expect(groupAwaitingApproval(r)).toBe('rest');
    expect(
      groupAwaitingApproval(rollout('ns', 'x', { approvals: [{ group: 'late', approved: false }] })),
    ).toBe('late');
    expect(groupAwaitingApproval(rollout('ns', 'x'))).toBeUndefined();
    expect(succeeded(r)).toBe(3);
    expect(succeeded(rollout('ns', 'x', { counts: counts({ succeeded: 9 }) }))).toBe(9);
    const rows = mergeRollouts([
      { region: 'b', rollouts: [r] },
      { region: 'a', rollouts: [rollout('ns', 'z'), rollout('ms', 'z')] },
    ]);
    expect(rows.map((x) => `${x.region}/${x.rollout.namespace}/${x.rollout.name}`)).toEqual([
      'a/ms/z',
      'a/ns/z',
      'b/ns/b',
    ]);
  });
});

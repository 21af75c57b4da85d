/**
 * `approve` under a concurrent edit: the first patch gets 409 (its resourceVersion is stale), so
 * the CLI reads again and retries once. A real server can't be made to lose that race on cue,
 * so nock plays it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { runCli, type CliIo } from '../../../src/cli/run.js';
import { sampleRollout, sampleStatus } from './fixtures.js';

const SERVER = 'https://k8s.test';
const GV = '/apis/maestro.multicluster.openshift.io/v1alpha1';
const PATH = `${GV}/namespaces/team-a/agentrollouts/klusterlet-2-17`;
const FIELD_MANAGER = { fieldManager: 'kubectl-mce' };
const CONFLICT = {
  kind: 'Status',
  status: 'Failure',
  reason: 'Conflict',
  code: 409,
  message: 'object was modified',
};

let dir: string;
let kubeconfig: string;

beforeAll(() => {
  nock.disableNetConnect();
  dir = mkdtempSync(join(tmpdir(), 'kubectl-mce-'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://k8s.test"}}]',
      'users: [{name: u, user: {token: t}}]',
      'contexts: [{name: ctx, context: {cluster: c, user: u, namespace: team-a}}]',
      'current-context: ctx',
      '',
    ].join('\n'),
  );
});

afterEach(() => nock.cleanAll());

afterAll(() => {
  nock.enableNetConnect();
  rmSync(dir, { recursive: true, force: true });
});

function discovery(): void {
  nock(SERVER)
    .get(GV)
    .reply(200, {
      kind: 'APIResourceList',
      resources: [{ name: 'agentrollouts', kind: 'AgentRollout', namespaced: true }],
    });
}

/** The rollout at `resourceVersion`, with the grants already given. */
function rolloutAt(resourceVersion: string, approved: { groupName: string; revision: string }[]) {
  const r = sampleRollout(sampleStatus(), {
    approvals: [{ groupName: 'canary' }, { groupName: 'prod' }],
    approved,
  });
  return {
    apiVersion: 'maestro.multicluster.openshift.io/v1alpha1',
    kind: 'AgentRollout',
    ...r,
    metadata: { ...r.metadata, resourceVersion },
  };
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    env: {},
    now: () => 0,
    interrupt: new AbortController().signal,
  };
  return { cli, out, err };
}

describe('rollout approve with a concurrent edit', () => {
  it('reads again after a 409 and keeps the grant written in between', async () => {
    const patches: unknown[] = [];
    const canary = { groupName: 'canary', revision: '5d41402abc4b' };
    discovery();
    nock(SERVER)
      .get(PATH)
      .reply(200, rolloutAt('1', []))
      .patch(PATH, (b: unknown) => patches.push(b) > 0)
      .query(FIELD_MANAGER)
      .reply(409, CONFLICT)
      .get(PATH)
      .reply(200, rolloutAt('2', [canary]))
      .patch(PATH, (b: unknown) => patches.push(b) > 0)
      .query(FIELD_MANAGER)
      .reply(200, rolloutAt('3', [canary]));
    const t = io();
    expect(
      await runCli(['rollout', 'approve', 'klusterlet-2-17', 'prod', '--kubeconfig', kubeconfig], t.cli),
    ).toBe(0);
    const prod = { groupName: 'prod', revision: '5d41402abc4b' };
    expect(patches).toEqual([
      { metadata: { resourceVersion: '1' }, spec: { approved: [prod] } },
      { metadata: { resourceVersion: '2' }, spec: { approved: [canary, prod] } },
    ]);
    expect(t.out.join('')).toBe(
      'agentrollout team-a/klusterlet-2-17: group prod approved for revision 5d41402abc4b\n',
    );
    expect(nock.isDone()).toBe(true);
  });

  it('gives up after a second 409 with one line on stderr', async () => {
    discovery();
    nock(SERVER)
      .get(PATH)
      .twice()
      .reply(200, rolloutAt('1', []))
      .patch(PATH)
      .query(FIELD_MANAGER)
      .twice()
      .reply(409, CONFLICT);
    const t = io();
    expect(
      await runCli(['rollout', 'approve', 'klusterlet-2-17', 'prod', '--kubeconfig', kubeconfig], t.cli),
    ).toBe(1);
    expect(t.err.join('')).toBe('error: object was modified\n');
    expect(nock.isDone()).toBe(true);
  });
});

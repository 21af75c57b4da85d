import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../src/App';
import { StoreContext } from '../src/hooks';
import { resetClusterView } from '../src/pages/ClustersPage';
import { ConsoleStore } from '../src/lib/store';
import { cluster, counts, FakeRegion, fakeFetch, info, rollout } from './fake-region';

let store: ConsoleStore;
let regions: FakeRegion[];

function mount(fakes: FakeRegion[]) {
  regions = fakes;
  store = new ConsoleStore({ fetchImpl: fakeFetch(fakes), timeoutMs: 500, random: () => 0 });
  return render(
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>,
  );
}

async function go(hash: string) {
  await act(async () => {
    window.location.hash = hash;
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
}

async function signInAll() {
  await go('#/regions');
  regions.forEach((r) => act(() => void store.addRegion(r.base)));
  await waitFor(() => expect(store.regions.every((r) => r.info)).toBe(true));
  store.regions.forEach((_r, i) => {
    fireEvent.change(screen.getByTestId(`region-token-${i}`), { target: { value: 'good-token' } });
    fireEvent.click(screen.getByTestId(`region-signin-${i}`));
  });
}

beforeEach(() => {
  resetClusterView();
  localStorage.clear();
  window.location.hash = '';
});
afterEach(() => {
  cleanup();
  store.dispose();
});

describe('Regions page', () => {
  it('adds a region, shows its name before sign-in, signs in, and reports a bad token', async () => {
    const west = new FakeRegion('https://west.example.com', info('eu-west'));
    west.clusters = [cluster('a')];
    mount([west]);
    await go('#/regions');
    fireEvent.change(screen.getByTestId('region-url-input'), {
      target: { value: 'https://west.example.com/' },
    });
    fireEvent.click(screen.getByTestId('region-add'));
    const row = await screen.findByTestId('region-row-0');
    await waitFor(() => expect(row.textContent).toContain('eu-west'));
    expect(row.textContent).toContain('https://west.example.com');
    expect(screen.getByTestId('region-status-0').textContent).toBe('Signed out');

    fireEvent.change(screen.getByTestId('region-token-0'), { target: { value: 'nope' } });
    fireEvent.click(screen.getByTestId('region-signin-0'));
    await waitFor(() => expect(screen.getByTestId('region-status-0').textContent).toBe('Unauthorized'));
    expect(row.textContent).toContain('token review: the token is not valid');

    fireEvent.change(screen.getByTestId('region-token-0'), { target: { value: 'good-token' } });
    fireEvent.click(screen.getByTestId('region-signin-0'));
    await waitFor(() => expect(screen.getByTestId('region-status-0').textContent).toBe('Signed in'));
    // Signed in, the token field is gone: nothing typed stays in the DOM.
    expect(screen.queryByTestId('region-token-0')).toBeNull();
    expect(screen.getByTestId('region-token-held-0').textContent).toBe('in memory');
    expect(document.body.innerHTML).not.toContain('good-token');
    expect(localStorage.getItem('mce-console.regions')).toBe('["https://west.example.com"]');
  });

  it('nav links carry their test ids', () => {
    mount([]);
    for (const id of ['nav-regions', 'nav-clusters', 'nav-rollouts', 'nav-provision', 'nav-downloads']) {
      expect(screen.getByTestId(id).getAttribute('href')).toBe(`#/${id.slice(4)}`);
    }
  });
});

describe('Clusters page', () => {
  it('merges 30,000 rows, counts per region, renders only a window of rows, and filters', async () => {
    const fakes = ['eu-west', 'eu-north', 'eu-south'].map((name, r) => {
      const f = new FakeRegion(`https://${name}.example.com`, info(name));
      f.clusters = Array.from({ length: 10_000 }, (_, i) =>
        cluster(`c-${String(i).padStart(5, '0')}`, {
          labels: { shard: String(i % 4) },
          available: i % 10 === 0 ? 'False' : 'True',
          transport: r === 1 ? 'mqtt' : 'grpc',
        }),
      );
      return f;
    });
    mount(fakes);
    await signInAll();
    await waitFor(() => expect(store.regions.every((r) => r.status === 'Signed in')).toBe(true), {
      timeout: 20_000,
    });
    await go('#/clusters');
    await waitFor(() => expect(screen.getByTestId('cluster-count-total').textContent).toBe('30000'));
    expect(screen.getByTestId('cluster-count-eu-north').textContent).toBe('10000');
    const rows = screen.getAllByTestId('cluster-row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    expect(rows[0]?.getAttribute('data-cluster')).toBe('eu-north/c-00000');

    fireEvent.change(screen.getByTestId('filter-label'), { target: { value: 'shard=2' } });
    fireEvent.change(screen.getByTestId('filter-status'), { target: { value: 'Unavailable' } });
    await waitFor(() => expect(screen.getByTestId('cluster-count-total').textContent).toBe('1500'));
    fireEvent.change(screen.getByTestId('filter-transport'), { target: { value: 'mqtt' } });
    await waitFor(() => expect(screen.getByTestId('cluster-count-total').textContent).toBe('500'));
    expect(screen.getByTestId('cluster-count-eu-west').textContent).toBe('0');
    fireEvent.change(screen.getByTestId('filter-transport'), { target: { value: 'All' } });
    fireEvent.change(screen.getByTestId('filter-region'), { target: { value: 'eu-south' } });
    await waitFor(() => expect(screen.getByTestId('cluster-count-total').textContent).toBe('500'));
    expect(screen.getByTestId('cluster-count-eu-west').textContent).toBe('500');
    expect(
      screen
        .getAllByTestId('cluster-row')
        .every((r) => r.getAttribute('data-cluster')?.startsWith('eu-south/')),
    ).toBe(true);
  }, 60_000);

  it('keeps filters and sort through a visit to a cluster, and redraws a memoised row its cluster changed', async () => {
    const west = new FakeRegion('https://west.example.com', info('eu-west'));
    west.clusters = [
      cluster('a', { labels: { env: 'prod' } }),
      cluster('b', { labels: { env: 'dev' } }),
      cluster('c', { labels: { env: 'prod' } }),
    ];
    mount([west]);
    await signInAll();
    await waitFor(() => expect(store.regions[0]?.status).toBe('Signed in'));
    await go('#/clusters');
    fireEvent.change(screen.getByTestId('filter-label'), { target: { value: 'env=prod' } });
    fireEvent.click(screen.getByRole('button', { name: 'Name' }));
    await waitFor(() =>
      expect(screen.getAllByTestId('cluster-row').map((r) => r.getAttribute('data-cluster'))).toEqual([
        'eu-west/c',
        'eu-west/a',
      ]),
    );
    // The nav marks the page's section though the sidebar renders once (each item follows the route).
    const currentNav = () =>
      screen
        .getAllByRole('link', { hidden: true })
        .filter((a) => a.getAttribute('aria-current') === 'page')
        .map((a) => a.textContent);
    expect(currentNav()).toEqual(['Clusters']);
    await go('#/rollouts');
    expect(currentNav()).toEqual(['Rollouts']);
    await go('#/clusters/eu-west/a');
    expect(currentNav()).toEqual(['Clusters']);
    await go('#/clusters');
    expect((screen.getByTestId('filter-label') as HTMLInputElement).value).toBe('env=prod');
    expect(screen.getAllByTestId('cluster-row').map((r) => r.getAttribute('data-cluster'))).toEqual([
      'eu-west/c',
      'eu-west/a',
    ]);
    // A change event for c replaces its row object: the memoised row draws the new status.
    const row = () => screen.getAllByTestId('cluster-row')[0] as HTMLElement;
    expect(row().textContent).toContain('Available');
    act(() =>
      west.push({
        type: 'cluster',
        action: 'upsert',
        name: 'c',
        cluster: cluster('c', { labels: { env: 'prod' }, available: 'False' }),
      }),
    );
    await waitFor(() => expect(row().textContent).toContain('Unavailable'));
    // The masthead follows the store although the shell around it does not re-render.
    expect(document.body.textContent).toContain('1 region(s) in ');
  });

  it('shows a down region as such while the others keep their rows, and updates live', async () => {
    const west = new FakeRegion('https://west.example.com', info('eu-west'));
    const south = new FakeRegion('https://south.example.com', info('eu-south'));
    west.clusters = [cluster('a'), cluster('b')];
    south.clusters = [cluster('s')];
    mount([west, south]);
    await signInAll();
    await waitFor(() => expect(store.regions.every((r) => r.status === 'Signed in')).toBe(true));
    await go('#/clusters');
    await waitFor(() => expect(screen.getByTestId('cluster-count-total').textContent).toBe('3'));

    south.down = true;
    south.dropStreams();
    const banner = await screen.findByTestId('region-error-eu-south');
    expect(banner.textContent).toContain('Unreachable');
    expect(screen.getByTestId('cluster-count-eu-west').textContent).toBe('2');
    expect(screen.queryByTestId('region-error-eu-west')).toBeNull();

    west.push({ type: 'cluster', action: 'upsert', name: 'c', cluster: cluster('c') });
    await waitFor(() => expect(screen.getByTestId('cluster-count-eu-west').textContent).toBe('3'));
  });
  it('marks a klusterlet version and a transport no agent reported as rendered or recorded', async () => {
    const west = new FakeRegion('https://west.example.com', info('eu-west'));
    west.clusters = [
      cluster('observed', { klusterletVersionSource: 'observed', transportSource: 'observed' }),
      cluster('rendered', {
        klusterletVersion: '2.16.3',
        klusterletVersionSource: 'rendered',
        transport: 'mqtt',
        transportSource: 'recorded',
      }),
    ];
    mount([west]);
    await signInAll();
    await go('#/clusters');
    await waitFor(() => expect(screen.getByTestId('cluster-count-total').textContent).toBe('2'));
    const row = (name: string) =>
      screen.getAllByTestId('cluster-row').find((r) => r.getAttribute('data-cluster') === `eu-west/${name}`);
    const rendered = await waitFor(() =>
      within(row('rendered') as HTMLElement).getByText('2.16.3', { exact: false }),
    );
    expect(rendered.textContent).toBe('2.16.3 (rendered)');
    expect(rendered.getAttribute('title')).toContain('Not reported by the agent');
    const recorded = within(row('rendered') as HTMLElement).getByText('mqtt', { exact: false });
    expect(recorded.textContent).toBe('mqtt (recorded)');
    expect(recorded.getAttribute('title')).toContain('recorded');
    expect(row('observed')?.textContent).toContain('2.17.0');
    expect(row('observed')?.textContent).toContain('grpc');
    expect(row('observed')?.textContent).not.toMatch(/\((rendered|recorded)\)/);
  });

  it('filters by a set-based label selector and says why a selector is not one', async () => {
    const west = new FakeRegion('https://west.example.com', info('eu-west'));
    west.clusters = [
      cluster('a', { labels: { zone: 'a' } }),
      cluster('b', { labels: { zone: 'b' } }),
      cluster('c', { labels: { zone: 'c' } }),
    ];
    mount([west]);
    await signInAll();
    await waitFor(() => expect(store.regions.every((r) => r.status === 'Signed in')).toBe(true));
    await go('#/clusters');
    await waitFor(() => expect(screen.getByTestId('cluster-count-total').textContent).toBe('3'));

    fireEvent.change(screen.getByTestId('filter-label'), { target: { value: 'zone in (a,b)' } });
    await waitFor(() => expect(screen.getByTestId('cluster-count-total').textContent).toBe('2'));
    expect(screen.getAllByTestId('cluster-row').map((r) => r.getAttribute('data-cluster'))).toEqual([
      'eu-west/a',
      'eu-west/b',
    ]);
    expect(screen.queryByTestId('filter-label-error')).toBeNull();

    fireEvent.change(screen.getByTestId('filter-label'), { target: { value: 'zone in (a' } });
    const message = await screen.findByTestId('filter-label-error');
    expect(message.textContent).toContain('"zone in (a" is not a label requirement');
    expect(screen.getByTestId('filter-label').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('cluster-count-total').textContent).toBe('0');
  });
});

describe('Cluster detail', () => {
  it('saves a label, shows the server 403 verbatim, and detaches only after the name is typed', async () => {
    const west = new FakeRegion('https://west.example.com', info('eu-west'));
    west.clusters = [cluster('prod-1')];
    mount([west]);
    await signInAll();
    await waitFor(() => expect(store.regions[0]?.status).toBe('Signed in'));
    await go('#/clusters');
    const link = await screen.findByText('prod-1');
    await go(link.getAttribute('href') ?? '');
    expect((await screen.findByTestId('cluster-detail-name')).textContent).toBe('prod-1');

    const forbidden =
      'managedclusters.cluster.open-cluster-management.io "prod-1" is forbidden: User "bob" cannot patch resource "managedclusters"';
    west.actionAnswer = { status: 403, body: { status: 403, reason: 'Forbidden', message: forbidden } };
    fireEvent.click(screen.getByTestId('label-edit'));
    fireEvent.change(screen.getByTestId('label-key-input'), { target: { value: 'team' } });
    fireEvent.change(screen.getByTestId('label-value-input'), { target: { value: 'blue' } });
    fireEvent.click(screen.getByTestId('label-save'));
    const alert = await screen.findByTestId('action-error');
    expect(alert.textContent).toContain(forbidden);
    const patch = west.requests.find((r) => r.method === 'PATCH');
    expect(patch?.url).toBe('https://west.example.com/api/v1/clusters/prod-1/labels');
    expect(patch?.body).toEqual({ labels: { team: 'blue' } });

    west.actionAnswer = { status: 200, body: { written: [{ kind: 'ManagedCluster', name: 'prod-1' }] } };
    fireEvent.click(screen.getByTestId('detach-button'));
    const confirm = await screen.findByTestId('detach-confirm');
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('detach-confirm-input'), { target: { value: 'prod-' } });
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('detach-confirm-input'), { target: { value: 'prod-1' } });
    expect((confirm as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(confirm);
    expect((await screen.findByTestId('action-success')).textContent).toContain('ManagedCluster prod-1');
    const del = west.requests.find((r) => r.method === 'DELETE');
    expect(del?.body).toEqual({ confirm: 'prod-1' });
  });
});

describe('Rollouts page', () => {
  it('shows live progress, approves the waiting group, and starts an update (403 verbatim, then success)', async () => {
    const north = new FakeRegion('https://north.example.com', info('eu-north'));
    const group = (
      name: string,
      index: number,
      succeeded: number,
      approval: 'NotRequired' | 'Waiting' | 'Approved',
    ) => ({
      name,
      index,
      mandatory: false,
      approval,
      total: 5,
      counts: counts({ succeeded }),
    });
    north.rollouts = [
      rollout('fleet', 'up', {
        groups: [group('canary', 0, 5, 'NotRequired'), group('rest', 1, 0, 'Waiting')],
        phase: 'WaitingForApproval',
      }),
    ];
    mount([north]);
    await signInAll();
    await waitFor(() => expect(store.regions[0]?.status).toBe('Signed in'));
    await go('#/rollouts');
    const row = await screen.findByTestId('rollout-row');
    expect(row.getAttribute('data-rollout')).toBe('eu-north/fleet/up');
    expect(within(row).getByTestId('rollout-phase').textContent).toBe('WaitingForApproval');
    expect(within(row).getByTestId('rollout-succeeded').textContent).toBe('5');

    fireEvent.click(within(row).getByTestId('rollout-approve'));
    await screen.findByTestId('action-success');
    const approve = north.requests.find((r) => r.url.endsWith('/api/v1/rollouts/fleet/up/actions'));
    expect(approve?.body).toEqual({ action: 'approve', group: 'rest' });

    north.push({
      type: 'rollout',
      action: 'upsert',
      namespace: 'fleet',
      name: 'up',
      rollout: rollout('fleet', 'up', {
        groups: [group('canary', 0, 5, 'NotRequired'), group('rest', 1, 3, 'Approved')],
        phase: 'Progressing',
      }),
    });
    await waitFor(() =>
      expect(within(screen.getByTestId('rollout-row')).getByTestId('rollout-succeeded').textContent).toBe(
        '8',
      ),
    );
    expect(within(screen.getByTestId('rollout-row')).getByTestId('rollout-phase').textContent).toBe(
      'Progressing',
    );

    fireEvent.click(screen.getByTestId('update-open'));
    fireEvent.click(screen.getByTestId('update-submit'));
    const invalid = await screen.findByTestId('action-error');
    expect(invalid.textContent).toContain('name');

    const forbidden =
      'agentrollouts.maestro.multicluster.openshift.io is forbidden: User "bob" cannot create resource "agentrollouts" in API group "maestro.multicluster.openshift.io" in the namespace "fleet"';
    north.actionAnswer = { status: 403, body: { status: 403, reason: 'Forbidden', message: forbidden } };
    fireEvent.change(screen.getByTestId('update-namespace'), { target: { value: 'fleet' } });
    fireEvent.change(screen.getByTestId('update-name'), { target: { value: 'to-2-18' } });
    fireEvent.change(screen.getByTestId('update-version'), { target: { value: '2.18.0' } });
    fireEvent.change(screen.getByTestId('update-clusters'), { target: { value: 'a, b' } });
    fireEvent.click(screen.getByTestId('update-submit'));
    await waitFor(() => expect(screen.getByTestId('action-error').textContent).toContain(forbidden));
    const post = north.requests
      .filter((r) => r.method === 'POST' && r.url.endsWith('/api/v1/rollouts'))
      .at(-1);
    expect(post?.body).toEqual({
      namespace: 'fleet',
      name: 'to-2-18',
      clusters: ['a', 'b'],
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
});

describe('Provision page', () => {
  it('offers create only for Hive regions, imports with the server fields, and scales a machine pool', async () => {
    const west = new FakeRegion('https://west.example.com', info('eu-west'));
    const hive = new FakeRegion('https://hive.example.com', info('eu-hive', true));
    mount([west, hive]);
    await signInAll();
    await waitFor(() => expect(store.regions.every((r) => r.status === 'Signed in')).toBe(true));
    hive.actionAnswer = {
      status: 200,
      body: {
        items: [{ namespace: 'c1', name: 'worker', clusterDeployment: 'c1', replicas: 3, readyReplicas: 3 }],
      },
    };
    await go('#/provision');
    const createRegion = await screen.findByTestId('create-region');
    expect([...(createRegion as HTMLSelectElement).options].map((o) => o.value)).toEqual(['eu-hive']);
    expect(
      [...(screen.getByTestId('import-region') as HTMLSelectElement).options].map((o) => o.value),
    ).toEqual(['eu-west', 'eu-hive']);
    const pool = await screen.findByTestId('machinepool-row');
    expect(pool.getAttribute('data-machinepool')).toBe('eu-hive/c1/worker');

    west.actionAnswer = {
      status: 400,
      body: { status: 400, reason: 'BadRequest', message: 'server: must be an https URL', field: 'server' },
    };
    fireEvent.change(screen.getByTestId('import-name'), { target: { value: 'new-1' } });
    fireEvent.change(screen.getByTestId('import-clusterset'), { target: { value: 'set-a' } });
    fireEvent.change(screen.getByTestId('import-server'), { target: { value: 'http://api.x:6443' } });
    fireEvent.change(screen.getByTestId('import-token'), { target: { value: 'sa-token' } });
    fireEvent.click(screen.getByTestId('import-submit'));
    await waitFor(() =>
      expect(screen.getByTestId('action-error').textContent).toContain('server: must be an https URL'),
    );
    expect(screen.getByTestId('import-server').getAttribute('aria-invalid')).toBe('true');
    expect(west.requests.find((r) => r.url.endsWith('/api/v1/clusters/import'))?.body).toEqual({
      name: 'new-1',
      clusterSet: 'set-a',
      server: 'http://api.x:6443',
      token: 'sa-token',
    });

    hive.actionAnswer = {
      status: 200,
      body: { written: [{ kind: 'MachinePool', namespace: 'c1', name: 'worker' }] },
    };
    fireEvent.change(within(pool).getByTestId('machinepool-replicas-input'), { target: { value: '5' } });
    fireEvent.click(within(pool).getByTestId('machinepool-scale'));
    await waitFor(() =>
      expect(screen.getByTestId('action-success').textContent).toContain('MachinePool c1/worker'),
    );
    expect(hive.requests.find((r) => r.method === 'PATCH')).toMatchObject({
      url: 'https://hive.example.com/api/v1/hive/machinepools/c1/worker',
      body: { replicas: 5 },
    });
  });
});

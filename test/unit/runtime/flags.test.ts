import { chmodSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { KubeconfigError, loadKubeConfig } from '../../../src/runtime/client/kubeconfig.js';
import { FlagError, parseDuration, parseFlags } from '../../../src/runtime/flags.js';
import { parseBindAddress } from '../../../src/runtime/http-servers.js';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`;

describe('parseFlags', () => {
  it('has controller-runtime defaults', () => {
    expect(parseFlags([], {})).toEqual({
      help: false,
      kubeconfig: undefined,
      dataPlaneKubeconfig: undefined,
      controlPlaneKubeconfig: undefined,
      leaderElect: false,
      leaderElectionNamespace: undefined,
      leaderElectionId: 'mce-maestro-operator',
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      metricsBindAddress: ':8080',
      metricsSecure: true,
      metricsCertDir: '/var/run/secrets/metrics-tls',
      healthProbeBindAddress: ':8081',
      qps: 20,
      burst: 30,
      logLevel: 'info',
      gracefulShutdownTimeoutMs: 30_000,
      allowedImageRegistries: [
        'quay.io/stolostron',
        'registry.redhat.io',
        'quay.io/open-cluster-management',
        'registry.access.redhat.com',
      ],
      // The regional console is off unless --console-bind-address is set.
      consoleBindAddress: '',
      consoleRegion: '',
      consoleGeography: '',
      consoleAllowedOrigins: [],
      consoleCertDir: undefined,
      consoleStaticDir: undefined,
      consoleRoute: false,
      networkPolicy: true,
    });
  });

  it('reads every flag, with = or a separate value', () => {
    const f = parseFlags(
      [
        '--kubeconfig=/k',
        '--data-plane-kubeconfig',
        '/d',
        '--control-plane-kubeconfig=/c',
        '--leader-elect',
        '--leader-election-lease-duration=30s',
        '--leader-election-renew-deadline=20s',
        '--leader-election-retry-period=500ms',
        '--metrics-bind-address=0',
        '--health-probe-bind-address=127.0.0.1:9000',
        '--qps=50',
        '--burst=100',
        '--log-level=debug',
      ],
      {},
    );
    expect(f).toMatchObject({
      kubeconfig: '/k',
      dataPlaneKubeconfig: '/d',
      controlPlaneKubeconfig: '/c',
      leaderElect: true,
      leaseDurationMs: 30_000,
      renewDeadlineMs: 20_000,
      retryPeriodMs: 500,
      metricsBindAddress: '0',
      healthProbeBindAddress: '127.0.0.1:9000',
      qps: 50,
      burst: 100,
      logLevel: 'debug',
    });
  });

  it('falls back to environment variables; a flag wins', () => {
    const env = {
      LEADER_ELECT: 'true',
      LOG_LEVEL: 'warn',
      KUBE_API_QPS: '5',
      DATA_PLANE_KUBECONFIG: '/env-d',
    };
    expect(parseFlags([], env)).toMatchObject({
      leaderElect: true,
      logLevel: 'warn',
      qps: 5,
      dataPlaneKubeconfig: '/env-d',
    });
    expect(parseFlags(['--log-level=error', '--leader-elect=false'], env)).toMatchObject({
      logLevel: 'error',
      leaderElect: false,
    });
  });

  it('applies the NetworkPolicy of its pods by default; --network-policy=false or NETWORK_POLICY=false leaves it out', () => {
    expect(parseFlags([], {}).networkPolicy).toBe(true);
    expect(parseFlags(['--network-policy=false'], {}).networkPolicy).toBe(false);
    expect(parseFlags([], { NETWORK_POLICY: 'false' }).networkPolicy).toBe(false);
    expect(parseFlags(['--network-policy'], { NETWORK_POLICY: 'false' }).networkPolicy).toBe(true);
  });

  it('applies no console Route unless --console-route or CONSOLE_ROUTE=true', () => {
    expect(parseFlags([], {}).consoleRoute).toBe(false);
    expect(parseFlags(['--console-route'], {}).consoleRoute).toBe(true);
    expect(parseFlags([], { CONSOLE_ROUTE: 'true' }).consoleRoute).toBe(true);
    expect(parseFlags(['--console-route=false'], { CONSOLE_ROUTE: 'true' }).consoleRoute).toBe(false);
  });

  it('serves secure metrics by default; --metrics-secure=false or METRICS_SECURE=false turns it off', () => {
    expect(parseFlags([], {}).metricsSecure).toBe(true);
    expect(parseFlags(['--metrics-secure'], {}).metricsSecure).toBe(true);
    expect(parseFlags(['--metrics-secure=false'], {}).metricsSecure).toBe(false);
    expect(parseFlags(['--metrics-secure=true'], { METRICS_SECURE: 'false' }).metricsSecure).toBe(true);
    expect(parseFlags([], { METRICS_SECURE: 'false' }).metricsSecure).toBe(false);
    expect(parseFlags([], { METRICS_SECURE: '' }).metricsSecure).toBe(true);
    expect(parseFlags(['--metrics-cert-dir=/certs'], {}).metricsCertDir).toBe('/certs');
    expect(parseFlags(['--metrics-cert-dir', '/c2'], { METRICS_CERT_DIR: '/env' }).metricsCertDir).toBe(
      '/c2',
    );
    expect(parseFlags([], { METRICS_CERT_DIR: '/env' }).metricsCertDir).toBe('/env');
  });

  it.each([
    [['--nope'], /nope/],
    [['--qps=fast'], /--qps/],
    [['--log-level=loud'], /--log-level/],
    [['--leader-election-lease-duration=15'], /duration/],
    [['--metrics-bind-address=8080'], /--metrics-bind-address/],
    [['--metrics-secure=maybe'], /--metrics-secure/],
    [['--metrics-cert-dir'], /metrics-cert-dir/],
    [['positional'], /positional/i],
  ])('rejects %j with a message naming the problem', (argv, message) => {
    expect(() => parseFlags(argv, {})).toThrow(FlagError);
    expect(() => parseFlags(argv, {})).toThrow(message);
  });
});

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['15s', 15_000],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    ['1h', 3_600_000],
  ])('%s = %d ms', (s, ms) => expect(parseDuration('--x', s)).toBe(ms));
  it.each(['', '10', 's', '5 s', '1d'])('rejects %j', (s) =>
    expect(() => parseDuration('--x', s)).toThrow(FlagError),
  );
});

describe('parseBindAddress', () => {
  it('understands :port, host:port and 0', () => {
    expect(parseBindAddress(':8080')).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(parseBindAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseBindAddress('[::1]:9')).toEqual({ host: '::1', port: 9 });
    expect(parseBindAddress('0')).toBeUndefined();
    expect(() => parseBindAddress(':99999')).toThrow(/port/);
  });
});

describe('loadKubeConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kc-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const good = join(dir, 'good');
  writeFileSync(good, KUBECONFIG);

  it('loads an explicit file', () => {
    const { kubeConfig, source } = loadKubeConfig(good, {});
    expect(kubeConfig.getCurrentCluster()?.server).toBe('https://10.0.0.1:6443');
    expect(source).toBe(good);
  });

  it('names the path of a missing file', () => {
    const missing = join(dir, 'missing');
    expect(() => loadKubeConfig(missing, {})).toThrow(KubeconfigError);
    expect(() => loadKubeConfig(missing, {})).toThrow('kubeconfig file does not exist');
    try {
      loadKubeConfig(missing, {});
    } catch (err) {
      expect((err as KubeconfigError).path).toBe(missing);
    }
  });

  it('rejects an unreadable or invalid file, and one without a current cluster', () => {
    const locked = join(dir, 'locked');
    writeFileSync(locked, KUBECONFIG);
    chmodSync(locked, 0o000);
    // root can read anything; only assert when the permission actually applies.
    if (process.getuid?.() !== 0) expect(() => loadKubeConfig(locked, {})).toThrow('not readable');
    const asDir = join(dir, 'a-directory');
    mkdirSync(asDir);
    expect(() => loadKubeConfig(asDir, {})).toThrow(KubeconfigError);
    const invalid = join(dir, 'invalid');
    writeFileSync(invalid, 'clusters: [unclosed');
    expect(() => loadKubeConfig(invalid, {})).toThrow('not valid');
    const empty = join(dir, 'empty');
    writeFileSync(empty, 'apiVersion: v1\nkind: Config\n');
    expect(() => loadKubeConfig(empty, {})).toThrow(/no current context/);
  });

  it('uses $KUBECONFIG, then ~/.kube/config, and never falls back to localhost:8080', () => {
    expect(loadKubeConfig(undefined, { KUBECONFIG: good }).source).toBe(good);
    const home = join(dir, 'home');
    mkdirSync(join(home, '.kube'), { recursive: true });
    expect(() => loadKubeConfig(undefined, { HOME: home })).toThrow(/no kubeconfig found/);
    writeFileSync(join(home, '.kube', 'config'), KUBECONFIG);
    expect(loadKubeConfig(undefined, { HOME: home }).source).toBe(join(home, '.kube', 'config'));
  });
});

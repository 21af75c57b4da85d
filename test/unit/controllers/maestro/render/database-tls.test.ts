/**
 * TLS to the embedded PostgreSQL: the generated CA and serving certificate, how the StatefulSet
 * serves them, and how Maestro and the conductor are told to verify them.
 */
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import {
  databaseServerHostnames,
  renderMaestro,
  type RenderResult,
} from '../../../../../src/controllers/maestro/render/index.js';
import { ensureDbTlsMaterial, TlsMaterialError } from '../../../../../src/tls/index.js';
import { FAKE_DB_TLS, find, renderInput } from './fixtures.js';

const NOW = new Date('2026-09-01T12:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const HOSTS = databaseServerHostnames('maestro');
const decode = (data: Record<string, string>, key: string) =>
  Buffer.from(data[key] ?? '', 'base64').toString('utf8');

interface Pod {
  metadata: { annotations?: Record<string, string> };
  spec: {
    containers: { name: string; args?: string[]; volumeMounts?: { name: string; mountPath: string }[] }[];
    volumes: { name: string; secret?: { secretName: string; defaultMode?: number } }[];
  };
}
const pod = (result: RenderResult, kind: string) =>
  find<{ spec: { template: Pod } }>(result, kind, kind === 'StatefulSet' ? 'maestro-db' : 'maestro').spec
    .template;

describe('database TLS material', () => {
  it('creates a CA and a serving certificate for the Service names, chained to it', async () => {
    const { material, generated } = await ensureDbTlsMaterial({}, HOSTS, { now: NOW });
    expect(generated).toEqual({ ca: true, server: true });
    const ca = new X509Certificate(material.ca.cert);
    const leaf = new X509Certificate(material.server.cert);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toContain('database CA');
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);
    for (const h of [
      'maestro-db.maestro',
      'maestro-db.maestro.svc',
      'maestro-db.maestro.svc.cluster.local',
    ]) {
      expect(leaf.checkHost(h)).toBe(h);
    }
  });

  it('keeps the CA forever and reissues the serving certificate only when close to expiry', async () => {
    const { material } = await ensureDbTlsMaterial({}, HOSTS, { now: NOW });
    const existing = {
      ca: { 'ca.crt': material.ca.cert, 'ca.key': material.ca.key },
      server: { 'tls.crt': material.server.cert, 'tls.key': material.server.key },
    };
    const same = await ensureDbTlsMaterial(existing, HOSTS, { now: new Date(NOW.getTime() + 30 * DAY) });
    expect(same.generated).toEqual({ ca: false, server: false });
    expect(same.material).toEqual(material);

    const late = await ensureDbTlsMaterial(existing, HOSTS, { now: new Date(NOW.getTime() + 340 * DAY) });
    expect(late.generated).toEqual({ ca: false, server: true });
    expect(late.material.ca).toEqual(material.ca);
    const leaf = new X509Certificate(late.material.server.cert);
    expect(leaf.checkIssued(new X509Certificate(material.ca.cert))).toBe(true);
  });

  it('refuses to replace an unusable CA Secret', async () => {
    await expect(ensureDbTlsMaterial({ ca: { 'ca.crt': 'x' } }, HOSTS, { now: NOW })).rejects.toThrow(
      TlsMaterialError,
    );
  });
});

describe('embedded database render', () => {
  it('runs PostgreSQL with ssl=on and the serving certificate, readable by the postgres user only', () => {
    const result = renderMaestro(renderInput());
    const template = pod(result, 'StatefulSet');
    const pg = template.spec.containers.find((c) => c.name === 'postgresql');
    expect(pg?.args).toEqual([
      'run-postgresql',
      '-c',
      'ssl=on',
      '-c',
      'ssl_cert_file=/etc/pgsql-tls/tls.crt',
      '-c',
      'ssl_key_file=/etc/pgsql-tls/tls.key',
      '-c',
      'ssl_min_protocol_version=TLSv1.2',
    ]);
    expect(pg?.volumeMounts).toContainEqual(
      expect.objectContaining({ name: 'tls', mountPath: '/etc/pgsql-tls' }),
    );
    expect(template.spec.volumes).toContainEqual({
      name: 'tls',
      secret: { secretName: 'maestro-db-tls', defaultMode: 0o640 },
    });
    const tls = find<{ type: string; data: Record<string, string> }>(result, 'Secret', 'maestro-db-tls');
    expect(tls.type).toBe('kubernetes.io/tls');
    expect(decode(tls.data, 'tls.crt')).toBe(FAKE_DB_TLS.server.cert);
    expect(decode(tls.data, 'tls.key')).toBe(FAKE_DB_TLS.server.key);
  });

  it('restarts PostgreSQL when its certificate is reissued', () => {
    const a = renderInput();
    const b = renderInput();
    b.generated.databaseTls = { ...FAKE_DB_TLS, server: { cert: 'NEW-CERT', key: 'NEW-KEY' } };
    const hash = (r: RenderResult) => pod(r, 'StatefulSet').metadata.annotations ?? {};
    expect(hash(renderMaestro(a))).not.toEqual(hash(renderMaestro(b)));
  });

  it('keeps the CA Secret like the data when retainDataOnDisable is set', () => {
    const result = renderMaestro(renderInput({ spec: { retainDataOnDisable: true } }));
    const ca = result.objects.find((o) => o.object.metadata.name === 'maestro-db-ca');
    expect(ca?.retained).toBe(true);
    const data = (ca?.object as unknown as { data: Record<string, string> }).data;
    expect(decode(data, 'ca.crt')).toBe(FAKE_DB_TLS.ca.cert);
    expect(decode(data, 'ca.key')).toBe(FAKE_DB_TLS.ca.key);
    expect(result.retained).toContainEqual(
      expect.objectContaining({ kind: 'Secret', name: 'maestro-db-ca' }),
    );
  });

  it('has Maestro verify the database with verify-full against the CA in its rds Secret', () => {
    const result = renderMaestro(renderInput());
    const dbConfig = find<{ data: Record<string, string> }>(result, 'Secret', 'maestro-db-config');
    expect(decode(dbConfig.data, 'ca.crt')).toBe(FAKE_DB_TLS.ca.cert);
    const template = pod(result, 'Deployment') as Pod & {
      spec: {
        initContainers?: { command?: string[]; args?: string[] }[];
        containers: { command?: string[] }[];
      };
    };
    const lines = [...(template.spec.initContainers ?? []), ...template.spec.containers].map((c) => [
      ...(c.command ?? []),
      ...(c.args ?? []),
    ]);
    const withDb = lines.filter((l) => l.some((a) => a.startsWith('--db-')));
    expect(withDb.length).toBe(2);
    for (const l of withDb) {
      expect(l).toContain('--db-sslmode=verify-full');
      expect(l).toContain('--db-rootcert=/secrets/rds/ca.crt');
    }
  });

  it('has the conductor verify it too, with the CA carried in grpc-server-config', () => {
    const result = renderMaestro(renderInput());
    const cm = find<{ data: Record<string, string> }>(
      result,
      'ConfigMap',
      'grpc-server-config',
      'open-cluster-management-hub',
    );
    expect(parseYaml(cm.data['config.yaml'] ?? '').db_config).toMatchObject({
      sslmode: 'verify-full',
      rootcertfile: '/var/run/secrets/hub/grpc/config/db-rootcert.crt',
    });
    expect(cm.data['db-rootcert.crt']).toBe(FAKE_DB_TLS.ca.cert);
  });

  it('fails loudly when the controller forgot the TLS material', () => {
    const input = renderInput();
    delete input.generated.databaseTls;
    expect(() => renderMaestro(input)).toThrow(/database TLS material/);
  });

  it('reports the sslmode in effect for the status condition', () => {
    expect(renderMaestro(renderInput()).status.databaseSslmode).toBe('verify-full');
  });
});

/**
 * Runs the test PostgreSQL the way the rendered StatefulSet `maestro-db` runs the image's
 * PostgreSQL: the rendered `-c` settings after `run-postgresql` (the image's script ends in
 * `exec postgres "$@"`), with the files they name taken from the rendered volumes (Secret
 * maestro-db-tls at its defaultMode). The only rewrites are mount path prefixes of those files.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expect } from '@jest/globals';
import {
  findObject,
  materializeVolumes,
  type PlainObject,
  podSpecOf,
  rewriteMountPath,
} from '../../harness/maestro-process.js';
import { type Postgres, type ServerFile, startPostgres } from '../../harness/postgres.js';

export interface EmbeddedPostgres {
  pg: Postgres;
  /** The rendered settings, by name. */
  settings: Record<string, string>;
  /** Settings whose value was a mounted file, rewritten to the harness copy: name → rendered path. */
  files: Record<string, string>;
}

/** Starts PostgreSQL with the rendered settings, accepting TCP connections only over TLS. */
export async function startEmbeddedPostgres(
  objects: PlainObject[],
  namespace: string,
): Promise<EmbeddedPostgres> {
  const rendered = podSpecOf(findObject(objects, 'StatefulSet', 'maestro-db', namespace));
  // The data volume comes from the claim template; the test server has its own data directory.
  const spec = {
    ...rendered,
    containers: rendered.containers.map((c) => ({
      ...c,
      volumeMounts: c.volumeMounts?.filter((m) => rendered.volumes?.some((v) => v.name === m.name)),
    })),
  };
  const container = spec.containers.find((c) => c.name === 'postgresql');
  const [script, ...rest] = container?.args ?? [];
  expect(script).toBe('run-postgresql');
  const settings: Record<string, string> = {};
  for (let i = 0; i < rest.length; i += 2) {
    expect(rest[i]).toBe('-c');
    const [name, ...value] = (rest[i + 1] ?? '').split('=');
    settings[name ?? ''] = value.join('=');
  }
  const scratch = mkdtempSync(join(tmpdir(), 'mmo-pg-volumes-'));
  try {
    const mounts = materializeVolumes(spec, objects, namespace, scratch).mounts('postgresql');
    const modes = new Map<string, number>();
    for (const m of container?.volumeMounts ?? []) {
      const volume = spec.volumes?.find((v) => v.name === m.name);
      if (volume?.secret) modes.set(m.mountPath, volume.secret.defaultMode ?? 0o644);
    }
    const files: Record<string, ServerFile> = {};
    const fileSettings: Record<string, string> = {};
    for (const [name, value] of Object.entries(settings)) {
      const local = rewriteMountPath(value, mounts);
      if (local === value) continue;
      const mountPath = [...modes.keys()].find((p) => value.startsWith(`${p}/`));
      expect(mountPath).toBeDefined();
      files[basename(value)] = {
        content: readFileSync(local, 'utf8'),
        mode: modes.get(mountPath ?? '') ?? 0,
      };
      fileSettings[name] = value;
    }
    const pg = await startPostgres({
      files,
      settings: (path) => ({
        ...settings,
        ...Object.fromEntries(Object.entries(fileSettings).map(([k, v]) => [k, path(basename(v))])),
      }),
      sslOnly: true,
    });
    return { pg, settings, files: fileSettings };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Expects every connection `user` holds to use TLS, and at least one to exist. */
export function expectOnlyTlsConnections(pg: Postgres, user: string): void {
  const rows = pg
    .psql(
      `select s.ssl from pg_stat_ssl s join pg_stat_activity a using (pid) where a.usename = '${user}' and a.client_addr is not null`,
    )
    .trim()
    .split('\n')
    .filter(Boolean);
  expect(rows.length).toBeGreaterThan(0);
  expect(new Set(rows)).toEqual(new Set(['t']));
}

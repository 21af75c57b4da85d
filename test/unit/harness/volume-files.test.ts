/**
 * How the process kubelet writes a pod's Secret and ConfigMap files: whole or not at all, as the
 * kubelet's atomic writer does, because the programs it runs read them while it keeps them in
 * sync (a klusterlet agent that read its bootstrap kubeconfig truncated panicked).
 */
import {
  mkdtempSync,
  openSync,
  readFileSync,
  closeSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { materializeVolumes, writeFileAtomically, type PlainObject } from '../../harness/maestro-process.js';

describe('volume files of the process kubelet', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'volume-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces a changed file whole: a reader that opened the old one still reads all of it', () => {
    const file = join(dir, 'kubeconfig');
    writeFileAtomically(file, 'old content', 0o600);
    const fd = openSync(file, 'r');
    try {
      writeFileAtomically(file, 'new content', 0o600);
      const buf = Buffer.alloc(64);
      const n = readSync(fd, buf, 0, buf.length, 0);
      expect(buf.subarray(0, n).toString()).toBe('old content');
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(file, 'utf8')).toBe('new content');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('leaves an unchanged file alone, and rewrites one whose mode changed', () => {
    const file = join(dir, 'ca.crt');
    writeFileSync(file, 'pem');
    const before = statSync(file);
    writeFileAtomically(file, Buffer.from('pem'), before.mode & 0o777);
    expect(statSync(file).ino).toBe(before.ino);
    writeFileAtomically(file, 'pem', 0o600);
    expect(statSync(file).ino).not.toBe(before.ino);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('writes each Secret value as the content function makes it', () => {
    const secret: PlainObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'agent', name: 'bootstrap' },
      data: { kubeconfig: Buffer.from('certificate-authority: /spoke/bootstrap/ca.crt').toString('base64') },
    };
    const spec = {
      containers: [{ name: 'agent', volumeMounts: [{ name: 'bootstrap', mountPath: '/spoke/bootstrap' }] }],
      volumes: [{ name: 'bootstrap', secret: { secretName: 'bootstrap' } }],
    };
    materializeVolumes(spec, [secret], 'agent', dir, (value) =>
      Buffer.from(value.toString().replace('/spoke/bootstrap/', '/local/')),
    );
    expect(readFileSync(join(dir, 'volumes/bootstrap/kubeconfig'), 'utf8')).toBe(
      'certificate-authority: /local/ca.crt',
    );
  });
});

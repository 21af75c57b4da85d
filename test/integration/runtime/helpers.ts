import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { ControlPlane } from '../../harness/control-plane.js';
import { KubeClient } from '../../../src/runtime/client/kube-client.js';
import type { Logger } from '../../../src/runtime/logger.js';

/** An admin client for the test control plane. */
export function adminClient(cp: ControlPlane): KubeClient {
  return new KubeClient({ kubeConfig: cp.kubeConfig(), qps: 100, burst: 200 });
}

/** A debug logger writing JSON lines into the control plane's directory (kept with KEEP_CONTROL_PLANE=1). */
export function fileLogger(cp: ControlPlane, name: string): { log: Logger; path: string } {
  const path = join(cp.dir, `${name}.log`);
  return { log: pino({ level: 'debug' }, pino.destination({ dest: path, sync: true })), path };
}

/** The JSON log lines of a process log file (non-JSON lines are skipped). */
export function logLines(path: string): Record<string, unknown>[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
}

/** A ConfigMap labelled for the echo fixture. */
export function echoConfigMap(name: string, namespace: string, value: string) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: { test: 'echo' } },
    data: { value },
  };
}

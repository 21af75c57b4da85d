/**
 * What the benchmarks measure of the processes they run: CPU seconds and peak RSS read from
 * /proc, and kube-apiserver's request counters.
 */
import { readFileSync } from 'node:fs';

export const round1 = (v: number) => Math.round(v * 10) / 10;

/** The process under the guard started by spawnManaged. */
export function guardedPid(guardPid: number): number {
  const children = readFileSync(`/proc/${guardPid}/task/${guardPid}/children`, 'utf8').trim().split(/\s+/);
  return Number(children[0]);
}

/** Peak resident memory (VmHWM) of a guarded process. */
export function peakRssMb(guardPid: number): number {
  const pid = guardedPid(guardPid);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return round1(kb / 1024);
}

/** CPU seconds (user + system) each guarded process uses from now until `since()`, and this process. */
export function processCpu(guards: Record<string, number>): { since(): Record<string, number> } {
  const pids: Record<string, number> = { simulator: process.pid };
  for (const [name, guard] of Object.entries(guards)) pids[name] = guardedPid(guard);
  const read = () =>
    Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => {
        // utime and stime are fields 14 and 15, after the parenthesised command name.
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        return [name, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS];
      }),
    );
  const before = read();
  return {
    since: () => {
      const now = read();
      return Object.fromEntries(Object.keys(pids).map((n) => [n, (now[n] ?? NaN) - (before[n] ?? NaN)]));
    },
  };
}

/** kube-apiserver's request counter by `VERB resource[/subresource]`. */
export async function apiServerRequests(cp: {
  kubectl(args: string[]): Promise<string>;
}): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await cp.kubectl(['get', '--raw', '/metrics'])).split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (!labels.resource) continue;
    const key = `${labels.verb} ${labels.resource}${labels.subresource ? `/${labels.subresource}` : ''}`;
    out[key] = (out[key] ?? 0) + Number(line.split(' ').pop());
  }
  return out;
}

export function diffCounts(
  after: Record<string, number>,
  before: Record<string, number>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([k, v]) => [k, v - (before[k] ?? 0)] as const)
      .filter(([, v]) => v > 0),
  );
}

/** USER_HZ: 100 on every Linux architecture Node supports. */
export const CLOCK_TICKS = 100;

import { ApiError, NotServedError } from '../../../src/runtime/client/errors.js';
import type { KubeClient } from '../../../src/runtime/client/kube-client.js';
import type { KubeObject } from '../../../src/runtime/client/types.js';
import { applyAtStart, type StartObjects } from '../../../src/runtime/apply-at-start.js';
import { createLogger } from '../../../src/runtime/logger.js';

type Line = { level: number; msg: string; err?: string; objects?: string[]; namespace?: string };
const WARN = 40;
const ERROR = 50;
const INFO = 30;

/** A client whose apply records what it was given and fails for the names in `refuse`. */
function recordingClient(refuse: Map<string, Error> = new Map()) {
  const applied: { name: string; fieldManager: string; force?: boolean }[] = [];
  const client = {
    apply: async (obj: KubeObject, opts: { fieldManager: string; force?: boolean }) => {
      const name = obj.metadata.name ?? '';
      const err = refuse.get(name);
      if (err) throw err;
      applied.push({ name, fieldManager: opts.fieldManager, force: opts.force });
      return obj;
    },
  } as unknown as KubeClient;
  return { client, applied };
}

function capture() {
  const lines: Line[] = [];
  return {
    lines,
    log: createLogger('debug', { write: (l: string) => void lines.push(JSON.parse(l) as Line) }),
  };
}

const obj = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns' },
});

const spec = (over: Partial<StartObjects> = {}): StartObjects => ({
  what: 'the test objects',
  fieldManager: 'test-manager',
  build: () => [obj('a'), obj('b')],
  context: { namespace: 'ns' },
  withoutIt: 'nothing guards the door',
  ...over,
});

describe('applyAtStart', () => {
  it('applies every object in order, whole, under its field manager with force, and logs them', async () => {
    const { client, applied } = recordingClient();
    const { lines, log } = capture();
    expect(await applyAtStart(client, spec(), log)).toBe(true);
    expect(applied).toEqual([
      { name: 'a', fieldManager: 'test-manager', force: true },
      { name: 'b', fieldManager: 'test-manager', force: true },
    ]);
    expect(lines).toEqual([
      expect.objectContaining({
        level: INFO,
        msg: 'the test objects applied',
        namespace: 'ns',
        objects: ['ConfigMap/a', 'ConfigMap/b'],
      }),
    ]);
  });

  it('logs a refusal as an error saying what is missing, names the object, stops there and does not throw', async () => {
    const { client, applied } = recordingClient(
      new Map([
        [
          'a',
          new ApiError(
            403,
            'Forbidden',
            'configmaps "a" is forbidden',
            undefined,
            undefined,
            'PATCH /api/v1/namespaces/ns/configmaps/a',
          ),
        ],
      ]),
    );
    const { lines, log } = capture();
    expect(await applyAtStart(client, spec(), log)).toBe(false);
    expect(applied).toEqual([]);
    expect(lines).toEqual([
      expect.objectContaining({
        level: ERROR,
        msg: 'could not apply the test objects: nothing guards the door',
        objects: ['ConfigMap/a'],
        err: expect.stringMatching(/forbidden/),
      }),
    ]);
  });

  it('handles a failure while building (e.g. a review the server refuses) like a refused apply', async () => {
    const { client, applied } = recordingClient();
    const { lines, log } = capture();
    const failing = spec({
      build: () => Promise.reject(new Error('SelfSubjectReview returned no user name')),
    });
    expect(await applyAtStart(client, failing, log)).toBe(false);
    expect(applied).toEqual([]);
    expect(lines).toEqual([
      expect.objectContaining({ level: ERROR, objects: [], err: 'SelfSubjectReview returned no user name' }),
    ]);
  });

  it('logs an expected failure (the kind is not served) as the warning the caller words', async () => {
    const { client } = recordingClient(
      new Map([['a', new NotServedError('route.openshift.io/v1', 'Route')]]),
    );
    const { lines, log } = capture();
    const expected = (err: unknown) =>
      err instanceof NotServedError ? 'no Routes here: expose it another way' : undefined;
    expect(await applyAtStart(client, spec({ expected }), log)).toBe(false);
    expect(lines).toEqual([
      expect.objectContaining({
        level: WARN,
        msg: 'no Routes here: expose it another way',
        objects: ['ConfigMap/a'],
      }),
    ]);
    // Any other failure is still an error.
    const other = recordingClient(new Map([['a', new Error('connection reset')]]));
    const second = capture();
    expect(await applyAtStart(other.client, spec({ expected }), second.log)).toBe(false);
    expect(second.lines[0]).toMatchObject({ level: ERROR, err: 'connection reset' });
  });
});

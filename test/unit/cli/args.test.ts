import { describe, expect, it } from '@jest/globals';
import { parseArgs } from '../../../src/cli/args.js';
import { HELP } from '../../../src/cli/usage.js';

const run = (argv: string[]) => {
  const parsed = parseArgs(argv);
  if (parsed.kind !== 'run') throw new Error(`expected a command, got ${JSON.stringify(parsed)}`);
  return { command: parsed.command, connection: parsed.connection };
};
const usage = (argv: string[]) => {
  const parsed = parseArgs(argv);
  if (parsed.kind !== 'usage') throw new Error(`expected a usage error, got ${JSON.stringify(parsed)}`);
  return parsed.message;
};

describe('parseArgs', () => {
  it.each([
    [['rollout', 'status', 'r1'], { verb: 'status', name: 'r1', watch: false }],
    [['rollout', 'status', 'r1', '-w'], { verb: 'status', name: 'r1', watch: true }],
    [['rollout', 'status', '--watch', 'r1'], { verb: 'status', name: 'r1', watch: true }],
    [['rollout', 'status', 'r1', '--watch=false'], { verb: 'status', name: 'r1', watch: false }],
    [['rollout', 'pause', 'r1'], { verb: 'pause', name: 'r1' }],
    [['rollout', 'resume', 'r1'], { verb: 'resume', name: 'r1' }],
    [['rollout', 'rollback', 'r1'], { verb: 'rollback', name: 'r1' }],
    [['rollout', 'approve', 'r1', 'canary'], { verb: 'approve', name: 'r1', group: 'canary' }],
    [['rollout', 'approve', 'r1', '--', '-odd-group'], { verb: 'approve', name: 'r1', group: '-odd-group' }],
  ])('%j', (argv, command) => {
    expect(run(argv).command).toEqual(command);
  });

  it('takes connection flags anywhere, in every kubectl spelling', () => {
    expect(run(['-n', 'ns1', 'rollout', 'status', 'r1']).connection).toEqual({ namespace: 'ns1' });
    expect(run(['rollout', 'status', 'r1', '--namespace=ns2']).connection).toEqual({ namespace: 'ns2' });
    expect(run(['rollout', 'status', 'r1', '--namespace', 'ns3']).connection).toEqual({ namespace: 'ns3' });
    expect(run(['rollout', 'status', 'r1', '-nns4']).connection).toEqual({ namespace: 'ns4' });
    expect(run(['rollout', 'status', 'r1', '-n=ns5']).connection).toEqual({ namespace: 'ns5' });
    expect(
      run(['rollout', 'pause', 'r1', '--kubeconfig', '/k', '--context=c', '-n', 'a', '-n', 'b']).connection,
    ).toEqual({ namespace: 'b', kubeconfig: '/k', context: 'c' });
    expect(run(['rollout', 'pause', 'r1']).connection).toEqual({});
  });

  it.each([
    [[], 'root'],
    [['--help'], 'root'],
    [['rollout', '-h'], 'rollout'],
    [['rollout', 'status', '--help'], 'status'],
    [['rollout', 'pause', 'r1', '--help'], 'pause'],
    [['rollout', 'resume', '-h'], 'resume'],
    [['--help', 'rollout', 'approve'], 'approve'],
    [['rollout', 'rollback', '--help'], 'rollback'],
  ] as const)('help %j', (argv, topic) => {
    const parsed = parseArgs([...argv]);
    if (argv.length === 0) {
      expect(parsed).toEqual({ kind: 'usage', message: expect.stringContaining('kubectl mce --help') });
    } else {
      expect(parsed).toEqual({ kind: 'help', text: HELP[topic] });
    }
  });

  it.each([
    [['status', 'r1'], 'unknown command "status"'],
    [['rollout'], 'rollout needs a subcommand'],
    [['rollout', 'undo', 'r1'], 'unknown rollout subcommand "undo"'],
    [['rollout', 'status'], 'rollout status needs NAME'],
    [['rollout', 'status', 'a', 'b'], 'unexpected argument "b"'],
    [['rollout', 'approve', 'r1'], 'rollout approve needs NAME and GROUP'],
    [['rollout', 'approve', 'r1', ''], 'rollout approve needs NAME and GROUP'],
    [['rollout', 'pause', 'r1', '--watch'], '--watch applies to rollout status only'],
    [['rollout', 'status', 'r1', '-n'], 'flag -n needs a value'],
    [['rollout', 'status', 'r1', '-n', '--watch'], 'flag -n needs a value'],
    [['rollout', 'status', 'r1', '--kubeconfig='], 'flag --kubeconfig needs a value'],
    [['rollout', 'status', 'r1', '--watch=maybe'], 'flag --watch takes true or false'],
    [['rollout', 'status', 'r1', '-o', 'yaml'], 'unknown flag -o'],
    [['rollout', 'undo', '--help'], 'unknown rollout subcommand "undo"'],
  ])('usage error for %j', (argv, message) => {
    const text = usage(argv);
    expect(text).toContain(message);
    expect(text).not.toContain('\n');
  });
});

/**
 * The command line of kubectl-mce, parsed without side effects: a command to run, a help text
 * to print, or a one-line usage error (exit 2). Flags may stand anywhere, as with kubectl; `--`
 * ends them.
 */
import { HELP, type HelpTopic } from './usage.js';

export const ROLLOUT_VERBS = ['status', 'pause', 'resume', 'approve', 'rollback'] as const;
export type RolloutVerb = (typeof ROLLOUT_VERBS)[number];

export type RolloutCommand =
  | { verb: 'status'; name: string; watch: boolean }
  | { verb: 'pause' | 'resume' | 'rollback'; name: string }
  | { verb: 'approve'; name: string; group: string };

/** Where to find the API server and the rollout; unset fields fall back to the kubeconfig. */
export interface Connection {
  namespace?: string;
  kubeconfig?: string;
  context?: string;
}

export type ParsedArgs =
  | { kind: 'help'; text: string }
  | { kind: 'usage'; message: string }
  | { kind: 'run'; command: RolloutCommand; connection: Connection };

interface Flags extends Connection {
  help: boolean;
  watch?: boolean;
}

const VALUE_FLAGS: Record<string, keyof Connection> = {
  '-n': 'namespace',
  '--namespace': 'namespace',
  '--kubeconfig': 'kubeconfig',
  '--context': 'context',
};

class UsageError extends Error {}

/** Parses `argv` (without `node` and the script). */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  try {
    const { flags, positionals } = split(argv);
    const [group, verb, ...rest] = positionals;
    if (flags.help) return { kind: 'help', text: HELP[helpTopic(group, verb)] };
    return { kind: 'run', command: command(group, verb, rest, flags), connection: connectionOf(flags) };
  } catch (err) {
    if (err instanceof UsageError) return { kind: 'usage', message: err.message };
    throw err;
  }
}

function split(argv: readonly string[]): { flags: Flags; positionals: string[] } {
  const flags: Flags = { help: false };
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const [flag, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (flag === '-h' || flag === '--help') {
      flags.help = true;
    } else if (flag === '-w' || flag === '--watch') {
      flags.watch = booleanValue(flag, inline);
    } else if (flag in VALUE_FLAGS || /^-n./.test(flag)) {
      // kubectl also takes -nNS.
      const [name, glued] = /^-n./.test(flag) ? ['-n', flag.slice(2)] : [flag, inline];
      const value = glued ?? argv[++i];
      if (value === undefined || value === '' || (glued === undefined && value.startsWith('-'))) {
        throw new UsageError(`flag ${name} needs a value`);
      }
      flags[VALUE_FLAGS[name] ?? 'namespace'] = value;
    } else {
      throw new UsageError(`unknown flag ${flag} (see kubectl mce --help)`);
    }
  }
  return { flags, positionals };
}

function booleanValue(flag: string, value: string | undefined): boolean {
  if (value === undefined || value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`flag ${flag} takes true or false, not "${value}"`);
}

function isVerb(v: string | undefined): v is RolloutVerb {
  return (ROLLOUT_VERBS as readonly string[]).includes(v ?? '');
}

function helpTopic(group: string | undefined, verb: string | undefined): HelpTopic {
  if (group === undefined) return 'root';
  checkGroup(group);
  if (verb === undefined) return 'rollout';
  if (!isVerb(verb)) throw unknownVerb(verb);
  return verb;
}

function checkGroup(group: string | undefined): void {
  if (group === undefined)
    throw new UsageError('a command is required: kubectl mce rollout … (see kubectl mce --help)');
  if (group !== 'rollout') throw new UsageError(`unknown command "${group}" (see kubectl mce --help)`);
}

function unknownVerb(verb: string): UsageError {
  return new UsageError(
    `unknown rollout subcommand "${verb}": use ${ROLLOUT_VERBS.join(', ')} (see kubectl mce rollout --help)`,
  );
}

function command(
  group: string | undefined,
  verb: string | undefined,
  args: string[],
  flags: Flags,
): RolloutCommand {
  checkGroup(group);
  if (verb === undefined) {
    throw new UsageError(
      `rollout needs a subcommand: ${ROLLOUT_VERBS.join(', ')} (see kubectl mce rollout --help)`,
    );
  }
  if (!isVerb(verb)) throw unknownVerb(verb);
  if (flags.watch !== undefined && verb !== 'status') {
    throw new UsageError(`--watch applies to rollout status only (see kubectl mce rollout ${verb} --help)`);
  }
  const expected = verb === 'approve' ? ['NAME', 'GROUP'] : ['NAME'];
  if (args.length !== expected.length || args.some((a) => a === '')) {
    const what =
      args.length > expected.length
        ? `unexpected argument "${args[expected.length] ?? ''}"`
        : `needs ${expected.join(' and ')}`;
    throw new UsageError(`rollout ${verb} ${what} (see kubectl mce rollout ${verb} --help)`);
  }
  const name = args[0] ?? '';
  switch (verb) {
    case 'status':
      return { verb, name, watch: flags.watch ?? false };
    case 'approve':
      return { verb, name, group: args[1] ?? '' };
    default:
      return { verb, name };
  }
}

function connectionOf(flags: Flags): Connection {
  const c: Connection = {};
  if (flags.namespace !== undefined) c.namespace = flags.namespace;
  if (flags.kubeconfig !== undefined) c.kubeconfig = flags.kubeconfig;
  if (flags.context !== undefined) c.context = flags.context;
  return c;
}

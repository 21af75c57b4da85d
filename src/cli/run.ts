/**
 * The shell of kubectl-mce: parses the command line, connects with the runtime client, runs one
 * rollout command and returns the exit code. Deciding and rendering live in pure modules
 * (`args.ts`, `render-status.ts`, `rollout-patches.ts`, `terminal.ts`).
 */
import {
  KubeClient,
  KubeconfigError,
  NotServedError,
  isConflict,
  isNotFound,
  loadKubeConfig,
} from '../runtime/client/index.js';
import { parseArgs, type Connection, type RolloutCommand } from './args.js';
import { followRollout, getRollout } from './follow-rollout.js';
import { renderStatus } from './render-status.js';
import { rolloutRef, type CliRollout } from '../api/agentrollout-object.js';
import { approvalPatch, pausePatch, resumePatch, rollbackPatch } from '../api/agentrollout-patches.js';
import { EXIT, fitToScreen, plainFrame, redraw, watchOutcome } from './terminal.js';

/** The process as the CLI sees it; tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number; rows?: number };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  now(): number;
  /** Aborts on Ctrl-C. */
  interrupt: AbortSignal;
}

const FIELD_MANAGER = 'kubectl-mce';
/** Width of plain (non-terminal) output, unless COLUMNS says otherwise. */
const PLAIN_WIDTH = 80;

interface Ctx {
  io: CliIo;
  client: KubeClient;
  namespace: string;
}

/** Runs kubectl-mce with `argv` (without `node` and the script); resolves the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === 'help') {
    io.stdout.write(`${parsed.text}\n`);
    return EXIT.ok;
  }
  if (parsed.kind === 'usage') {
    io.stderr.write(`error: ${parsed.message}\n`);
    return EXIT.usage;
  }
  let client: KubeClient | undefined;
  try {
    const conn = connect(parsed.connection, io.env);
    client = conn.client;
    return await run({ io, client, namespace: conn.namespace }, parsed.command);
  } catch (err) {
    if (io.interrupt.aborted) return EXIT.interrupted;
    io.stderr.write(`error: ${oneLine(err)}\n`);
    return EXIT.failed;
  } finally {
    client?.close();
  }
}

function connect(c: Connection, env: NodeJS.ProcessEnv): { client: KubeClient; namespace: string } {
  const { kubeConfig } = loadKubeConfig(c.kubeconfig, env);
  if (c.context !== undefined) {
    if (!kubeConfig.getContexts().some((x) => x.name === c.context)) {
      throw new Error(`context "${c.context}" not found in the kubeconfig`);
    }
    kubeConfig.setCurrentContext(c.context);
  }
  const namespace =
    c.namespace ?? kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default';
  return { client: new KubeClient({ kubeConfig, userAgent: 'kubectl-mce' }), namespace };
}

async function run(ctx: Ctx, cmd: RolloutCommand): Promise<number> {
  const { io, client, namespace } = ctx;
  const key = `${namespace}/${cmd.name}`;
  const signal = io.interrupt;
  const patch = async (body: unknown) => {
    try {
      await client.patch(rolloutRef(namespace, cmd.name), body, 'merge', {
        fieldManager: FIELD_MANAGER,
        signal,
      });
    } catch (err) {
      if (isNotFound(err)) throw new Error(`agentrollout ${key} not found`);
      throw err;
    }
  };
  switch (cmd.verb) {
    case 'status':
      return cmd.watch ? watchStatus(ctx, cmd.name) : printStatus(ctx, cmd.name);
    case 'pause':
      await patch(pausePatch());
      io.stdout.write(`agentrollout ${key} paused\n`);
      return EXIT.ok;
    case 'resume': {
      const now = new Date(io.now());
      await patch(resumePatch(now));
      io.stdout.write(`agentrollout ${key} resumed (resume requested at ${now.toISOString()})\n`);
      return EXIT.ok;
    }
    case 'rollback': {
      const now = new Date(io.now());
      await patch(rollbackPatch(now));
      io.stdout.write(
        `agentrollout ${key} rollback requested at ${now.toISOString()}; ` +
          `follow it with: kubectl mce rollout status ${cmd.name} -n ${namespace} --watch\n`,
      );
      return EXIT.ok;
    }
    case 'approve':
      return approve(ctx, cmd.name, cmd.group);
  }
}

async function printStatus(ctx: Ctx, name: string): Promise<number> {
  const r = await getRollout(ctx.client, ctx.namespace, name, ctx.io.interrupt);
  ctx.io.stdout.write(`${renderStatus(r, { now: ctx.io.now(), width: width(ctx.io) }).join('\n')}\n`);
  return EXIT.ok;
}

/** Redraws (terminal) or prints (pipe) on every change until the phase is terminal or Ctrl-C. */
async function watchStatus(ctx: Ctx, name: string): Promise<number> {
  const { io } = ctx;
  const tty = io.stdout.isTTY === true;
  let last: CliRollout | undefined;
  let shown: string[] | undefined;
  const show = () => {
    if (!last) return;
    const lines = renderStatus(last, { now: io.now(), width: width(io) });
    if (tty) {
      const fitted = fitToScreen(lines, { width: width(io), height: io.stdout.rows ?? 24 });
      if (shown && fitted.join('\n') === shown.join('\n')) return;
      io.stdout.write(redraw(fitted, shown?.length ?? 0));
      shown = fitted;
    } else {
      const frame = plainFrame(lines, shown);
      if (frame !== undefined) io.stdout.write(frame);
      shown = lines;
    }
  };
  let exitCode: number = EXIT.interrupted;
  // Relative times ("started 5m ago") age on a terminal even when the object does not change.
  const ticker = tty ? setInterval(show, 1_000) : undefined;
  try {
    const done = await followRollout(ctx.client, ctx.namespace, name, {
      signal: io.interrupt,
      onChange: (r) => {
        last = r;
        show();
        const outcome = watchOutcome(r);
        if (outcome.done) exitCode = outcome.exitCode;
        return outcome.done;
      },
      onRetry: (err) => io.stderr.write(`warning: watch interrupted (${oneLine(err)}); retrying\n`),
    });
    return done ? exitCode : EXIT.interrupted;
  } finally {
    if (ticker) clearInterval(ticker);
  }
}

/** Adds the grant with an optimistic lock; on a conflict, reads again and retries once. */
async function approve(ctx: Ctx, name: string, group: string): Promise<number> {
  const { io, client, namespace } = ctx;
  const key = `${namespace}/${name}`;
  for (let attempt = 0; ; attempt++) {
    const r = await getRollout(client, namespace, name, io.interrupt);
    const decision = approvalPatch(r, group);
    if (decision.kind === 'refused') {
      io.stderr.write(`error: ${decision.message}\n`);
      return EXIT.failed;
    }
    if (decision.kind === 'already') {
      io.stdout.write(
        `agentrollout ${key}: group ${group} is already approved for revision ${decision.revision}\n`,
      );
      return EXIT.ok;
    }
    try {
      await client.patch(rolloutRef(namespace, name), decision.body, 'merge', {
        fieldManager: FIELD_MANAGER,
        signal: io.interrupt,
      });
    } catch (err) {
      if (isConflict(err) && attempt === 0) continue;
      throw err;
    }
    io.stdout.write(`agentrollout ${key}: group ${group} approved for revision ${decision.revision}\n`);
    return EXIT.ok;
  }
}

function width(io: CliIo): number {
  if (io.stdout.isTTY && io.stdout.columns) return io.stdout.columns;
  const columns = Number(io.env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : PLAIN_WIDTH;
}

/** An error as one line, with a hint where the cause is usually the setup. */
export function oneLine(err: unknown): string {
  let text: string;
  if (err instanceof KubeconfigError) text = `${err.message} (${err.path})`;
  else if (err instanceof NotServedError) text = `${err.message}: is the AgentRollout CRD installed?`;
  else if (err instanceof Error) text = err.message;
  else text = String(err);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

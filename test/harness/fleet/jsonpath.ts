/**
 * The subset of kubectl's JSONPath (k8s.io/client-go/util/jsonpath) that ManifestWork feedback
 * rules use, with the work agent's result rules (ocm `pkg/work/spoke/statusfeedback/reader.go`
 * `getValueByJsonPath`): missing keys are not an error and give no value; exactly one scalar
 * result becomes a String, Integer or Boolean field value; several results, objects, arrays and
 * non-integer numbers are errors (the RawFeedbackJsonString gate is off by default).
 *
 * Supported: `.field`, `['field']`, escaped dots (`.labels.app\.kubernetes\.io/name`), `[n]`
 * (negative too), `[*]`, `.*`, `[start:end]`, `..field`, and filters
 * `[?(@.a.b == "x")]` / `!=` / `<` / `>` / `<=` / `>=` / `[?(@.a)]`.
 */
import type { FieldValue } from './types.js';

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'recursive'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start?: number; end?: number }
  | { kind: 'wildcard' }
  | { kind: 'filter'; path: Step[]; op?: string; literal?: unknown };

export class JsonPathError extends Error {}

/** Parses a path like `.status.conditions[?(@.type=="Available")].status` (braces optional). */
export function parseJsonPath(path: string): Step[] {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1).trim();
  if (p.startsWith('$')) p = p.slice(1);
  if (p.startsWith('@')) p = p.slice(1);
  const steps: Step[] = [];
  let i = 0;
  const readName = (): string => {
    let name = '';
    while (i < p.length && p[i] !== '.' && p[i] !== '[') {
      if (p[i] === '\\' && i + 1 < p.length) i++;
      name += p[i++];
    }
    return name;
  };
  while (i < p.length) {
    if (p.startsWith('..', i)) {
      i += 2;
      steps.push({ kind: 'recursive', name: readName() });
    } else if (p[i] === '.') {
      i++;
      const name = readName();
      steps.push(name === '*' ? { kind: 'wildcard' } : { kind: 'field', name });
    } else if (p[i] === '[') {
      const close = findClose(p, i);
      steps.push(parseBracket(p.slice(i + 1, close).trim(), path));
      i = close + 1;
    } else {
      steps.push({ kind: 'field', name: readName() });
    }
  }
  return steps;
}

function findClose(p: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < p.length; i++) {
    const c = p[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') {
      depth--;
      if (depth === 0 && c === ']') return i;
    }
  }
  throw new JsonPathError(`unclosed [ in ${p}`);
}

function parseBracket(inner: string, whole: string): Step {
  if (inner === '*') return { kind: 'wildcard' };
  if (/^-?\d+$/.test(inner)) return { kind: 'index', index: Number(inner) };
  const slice = /^(-?\d*):(-?\d*)$/.exec(inner);
  if (slice) {
    return {
      kind: 'slice',
      ...(slice[1] ? { start: Number(slice[1]) } : {}),
      ...(slice[2] ? { end: Number(slice[2]) } : {}),
    };
  }
  const quoted = /^(['"])(.*)\1$/.exec(inner);
  if (quoted) return { kind: 'field', name: quoted[2] ?? '' };
  const filter = /^\?\((.*)\)$/.exec(inner);
  if (filter) {
    const expr = (filter[1] ?? '').trim();
    const cmp = /^@(\S*?)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(expr);
    if (cmp)
      return {
        kind: 'filter',
        path: parseJsonPath(cmp[1] ?? ''),
        op: cmp[2],
        literal: parseLiteral(cmp[3] ?? ''),
      };
    const exists = /^@(\S*)$/.exec(expr);
    if (exists) return { kind: 'filter', path: parseJsonPath(exists[1] ?? '') };
  }
  throw new JsonPathError(`unsupported JSONPath segment [${inner}] in ${whole}`);
}

function parseLiteral(text: string): unknown {
  const t = text.trim();
  const quoted = /^(['"])(.*)\1$/.exec(t);
  if (quoted) return quoted[2];
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  throw new JsonPathError(`unsupported literal ${t}`);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function apply(step: Step, values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    switch (step.kind) {
      case 'field':
        if (isObject(v) && step.name in v) out.push(v[step.name]);
        break;
      case 'recursive':
        collectRecursive(v, step.name, out);
        break;
      case 'index':
        if (Array.isArray(v)) {
          const i = step.index < 0 ? v.length + step.index : step.index;
          if (i >= 0 && i < v.length) out.push(v[i]);
        }
        break;
      case 'slice':
        if (Array.isArray(v)) out.push(...v.slice(step.start, step.end));
        break;
      case 'wildcard':
        if (Array.isArray(v)) out.push(...v);
        else if (isObject(v)) out.push(...Object.values(v));
        break;
      case 'filter':
        if (Array.isArray(v)) out.push(...v.filter((item) => filterMatches(step, item)));
        break;
    }
  }
  return out;
}

function collectRecursive(v: unknown, name: string, out: unknown[]): void {
  if (Array.isArray(v)) for (const item of v) collectRecursive(item, name, out);
  else if (isObject(v)) {
    if (name in v) out.push(v[name]);
    for (const child of Object.values(v)) collectRecursive(child, name, out);
  }
}

function filterMatches(step: Extract<Step, { kind: 'filter' }>, item: unknown): boolean {
  const found = evaluate(step.path, item);
  if (step.op === undefined) return found.length > 0;
  if (found.length === 0) return false;
  const left = found[0];
  const right = step.literal;
  switch (step.op) {
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    default: {
      if (typeof left !== 'number' || typeof right !== 'number') return false;
      if (step.op === '<') return left < right;
      if (step.op === '>') return left > right;
      if (step.op === '<=') return left <= right;
      return left >= right;
    }
  }
}

/** Every value the path selects in `obj`, in order. */
export function evaluate(steps: Step[], obj: unknown): unknown[] {
  return steps.reduce<unknown[]>((values, step) => apply(step, values), [obj]);
}

/**
 * The feedback value of `path` on `obj` as the work agent reports it: undefined when nothing (or
 * null) is found; throws `JsonPathError` for values the agent cannot report.
 */
export function feedbackValue(path: string, obj: unknown): FieldValue | undefined {
  const found = evaluate(parseJsonPath(path), obj);
  if (found.length === 0) return undefined;
  if (found.length > 1)
    throw new JsonPathError(`the type []interface {} of the value for ${path} is not found`);
  const v = found[0];
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return { type: 'String', string: v };
  if (typeof v === 'boolean') return { type: 'Boolean', boolean: v };
  if (typeof v === 'number' && Number.isInteger(v)) return { type: 'Integer', integer: v };
  throw new JsonPathError(`the type of the value for ${path} is not supported`);
}

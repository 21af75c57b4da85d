/**
 * JSON as Go's `encoding/json` writes a `map[string]interface{}`: keys sorted, `<`, `>`, `&`,
 * U+2028 and U+2029 escaped. The add-on framework hashes config objects this way, so the spec
 * hashes the simulator writes equal the ones a real addon-manager writes.
 */
import { createHash } from 'node:crypto';

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

// Characters Go escapes differently from JSON.stringify: HTML-sensitive ones, U+2028/2029, and
// control characters JSON.stringify writes as \b or \f; lone surrogates become U+FFFD.
const GO_SPECIAL = /[<>&\u2028\u2029\b\f\ud800-\udfff]/;

function goString(s: string): string {
  if (!GO_SPECIAL.test(s)) return JSON.stringify(s);
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    const short = SHORT_ESCAPES[ch];
    if (short) out += short;
    else if (code < 0x20 || ch === '<' || ch === '>' || ch === '&' || code === 0x2028 || code === 0x2029)
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

/** Go-compatible JSON of a plain JSON value; `undefined` members are left out, as JSON.stringify does. */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${goString(k)}:${goJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return 'null';
}

/**
 * The add-on framework's config spec hash (addon-framework `pkg/utils/helpers.go` `GetSpecHash`):
 * sha256 of the Go JSON of every top-level field except apiVersion, kind, metadata and status.
 */
export function configSpecHash(obj: Record<string, unknown>): string {
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata' && k !== 'status') config[k] = v;
  }
  return createHash('sha256').update(goJson(config)).digest('hex');
}

/** True when two JSON values are equal regardless of key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return goJson(a) === goJson(b);
}

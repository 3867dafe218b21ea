/**
 * JSON helpers: get_json_object(json, '/json/pointer') gives the addressed value (a string as
 * its text, anything else as JSON text), NULL when the document is invalid or the path is
 * missing; json_array_length(json) gives the length of a top-level array, else NULL.
 */
import { noOverload, nullIfAnyNull, type ScalarDef, type ScalarResolution, scalar } from './function-types.js';
import type { SqlType } from '../types.js';

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Value at an RFC 6901 JSON pointer ('' is the whole document), or undefined. */
export function jsonPointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  if (!pointer.startsWith('/')) return undefined;
  let node: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (node !== null && typeof node === 'object' && Object.hasOwn(node, token)) {
      node = (node as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
    if (node === undefined) return undefined;
  }
  return node;
}

function resolveGetJsonObject(argTypes: readonly SqlType[], name: string): ScalarResolution {
  if (argTypes.length !== 2 || argTypes[0] !== 'string' || argTypes[1] !== 'string') {
    return noOverload(name, argTypes, 'a JSON string and a JSON pointer string');
  }
  return scalar(
    'string',
    nullIfAnyNull(([json, path]) => {
      const doc = parse(json as string);
      if (!doc.ok) return null;
      const v = jsonPointer(doc.value, path as string);
      if (v === undefined || v === null) return null;
      return typeof v === 'string' ? v : JSON.stringify(v);
    }),
  );
}

function resolveJsonArrayLength(argTypes: readonly SqlType[], name: string): ScalarResolution {
  if (argTypes.length !== 1 || argTypes[0] !== 'string') return noOverload(name, argTypes, 'a JSON string');
  return scalar(
    'int',
    nullIfAnyNull(([json]) => {
      const doc = parse(json as string);
      return doc.ok && Array.isArray(doc.value) ? doc.value.length : null;
    }),
  );
}

export const JSON_FUNCTIONS: readonly ScalarDef[] = [
  { names: ['get_json_object'], resolve: resolveGetJsonObject },
  { names: ['json_array_length'], resolve: resolveJsonArrayLength },
];

import { z } from 'zod';

/**
 * A field reference for the "submit a model" page, generated from the zod schema so the page can
 * never disagree with what `podium validate` accepts.
 */
export interface FieldDoc {
  /** Dotted path, e.g. weights.sha256. */
  path: string;
  type: string;
  required: boolean;
  description: string;
  default?: string;
}

interface Json {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  properties?: Record<string, Json>;
  required?: string[];
  items?: Json | false;
  prefixItems?: Json[];
  anyOf?: Json[];
  oneOf?: Json[];
  description?: string;
  default?: unknown;
}

function typeOf(s: Json): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) {
    const shown = s.enum.slice(0, 6).map((v) => JSON.stringify(v));
    return s.enum.length > 6
      ? `one of ${shown.join(', ')}, … (${s.enum.length} values)`
      : `one of ${shown.join(', ')}`;
  }
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return [...new Set(alts.map(typeOf))].join(' or ');
  if (s.prefixItems) return `[${s.prefixItems.map(typeOf).join(', ')}]`;
  const t = Array.isArray(s.type) ? s.type.join(' or ') : s.type;
  if (t === 'array') return s.items ? `list of ${typeOf(s.items)}` : 'list';
  if (t === 'object') return 'mapping';
  if (t === 'string' && s.pattern === '^https://') return 'https URL';
  if (t === 'string' && s.pattern === '^[0-9a-f]{64}$') return 'sha256 (hex)';
  if (t === undefined && s.pattern) return 'string';
  return t ?? 'any';
}

function walk(s: Json, prefix: string, required: boolean, out: FieldDoc[]): void {
  const alts = s.anyOf ?? s.oneOf;
  const objects = alts?.filter((a) => a.properties) ?? [];
  if (prefix) {
    out.push({
      path: prefix,
      type: objects.length > 1 ? `one of ${objects.length} mappings` : typeOf(s),
      required,
      description: s.description ?? '',
      ...(s.default !== undefined ? { default: JSON.stringify(s.default) } : {}),
    });
  }
  const branches = s.properties ? [s] : objects;
  for (const b of branches) {
    for (const [key, child] of Object.entries(b.properties ?? {})) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (out.some((f) => f.path === path)) continue;
      // In a choice between shapes a field is required only within its own shape.
      walk(child, path, branches.length === 1 && (b.required ?? []).includes(key), out);
    }
  }
}

export function fieldDocs(schema: z.ZodType): FieldDoc[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  const out: FieldDoc[] = [];
  walk(json, '', true, out);
  return out;
}

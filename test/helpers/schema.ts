/**
 * A small checker for the subset of JSON Schema / OpenAPI 3.1 that Mailtrap's specs use for
 * response bodies: `type` (one or a list, `null` included), `properties` + `required`, `items`,
 * `enum`, `format: date-time | uuid | email | uri`, `allOf`. Returns every mismatch with its path,
 * so a failing contract test says exactly which field drifted.
 */
export type Schema = {
  type?: JsonType | JsonType[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: readonly unknown[];
  format?: 'date-time' | 'uuid' | 'email' | 'uri' | 'hostname';
  allOf?: Schema[];
  additionalProperties?: Schema;
};
type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

const typeOf = (v: unknown): JsonType =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : (typeof v as JsonType);

const FORMATS: Record<string, (s: string) => boolean> = {
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s),
  uuid: (s) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s),
  email: (s) => /^[^@\s]+@[^@\s]+$/.test(s),
  uri: (s) => URL.canParse(s),
  hostname: (s) => /^[a-z0-9.-]+$/i.test(s),
};

export function validate(schema: Schema, value: unknown, path = '$'): string[] {
  const errs: string[] = [];
  for (const s of schema.allOf ?? []) errs.push(...validate(s, value, path));
  const t = typeOf(value);
  if (schema.type) {
    const allowed = ([] as JsonType[]).concat(schema.type);
    const ok = allowed.includes(t) || (t === 'integer' && allowed.includes('number'));
    if (!ok) return [...errs, `${path}: expected ${allowed.join('|')}, got ${t} ${JSON.stringify(value)}`];
  }
  if (schema.enum && !schema.enum.includes(value)) errs.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if (schema.format && t === 'string' && !FORMATS[schema.format](value as string)) errs.push(`${path}: ${JSON.stringify(value)} is not a ${schema.format}`);
  if (t === 'object') {
    const o = value as Record<string, unknown>;
    for (const k of schema.required ?? []) if (!(k in o)) errs.push(`${path}.${k}: missing`);
    for (const [k, s] of Object.entries(schema.properties ?? {})) if (k in o) errs.push(...validate(s, o[k], `${path}.${k}`));
    if (schema.additionalProperties) {
      for (const [k, v] of Object.entries(o)) if (!schema.properties?.[k]) errs.push(...validate(schema.additionalProperties, v, `${path}.${k}`));
    }
  }
  if (t === 'array' && schema.items) (value as unknown[]).forEach((v, i) => errs.push(...validate(schema.items!, v, `${path}[${i}]`)));
  return errs;
}

/** An object schema in which every listed property must be present (the spec lists what the API returns). */
export const all = (properties: Record<string, Schema>, extra: Omit<Schema, 'properties' | 'required'> = {}): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  ...extra,
});

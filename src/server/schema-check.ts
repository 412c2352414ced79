// Checks a value against the JSON Schema subset the routes use (src/server/schemas.ts: objects
// with required and additionalProperties, strings with length, pattern and enum, integers, booleans,
// arrays) and reports EVERY failure, in Ajv's error shape so ./validation-errors.ts words them in
// Chinese. Fastify's shared Ajv stops at the first error (allErrors off, which keeps a hostile body
// cheap to refuse); a route whose callers fix a batch at a time (a provincial transfer) checks here.
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';

export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
}

const typeOk = (type: string, v: unknown): boolean =>
  type === 'object'
    ? typeof v === 'object' && v !== null && !Array.isArray(v)
    : type === 'array'
      ? Array.isArray(v)
      : type === 'integer'
        ? Number.isInteger(v)
        : type === 'number'
          ? typeof v === 'number' && Number.isFinite(v)
          : typeof v === type;

/** Every way `value` fails `schema`; empty when it passes. */
export function schemaErrors(given: Schema | object, value: unknown, path = ''): FastifySchemaValidationError[] {
  const schema = given as Schema;
  const errors: FastifySchemaValidationError[] = [];
  const fail = (keyword: string, params: Record<string, unknown>, at = path) => errors.push({ keyword, instancePath: at, schemaPath: '', params, message: keyword });
  if (schema.type && !typeOk(schema.type, value)) {
    fail('type', { type: schema.type });
    return errors; // nothing further to say about a value of the wrong kind
  }
  if (schema.enum && !schema.enum.includes(value)) fail('enum', { allowedValues: schema.enum });
  if (typeof value === 'string') {
    // Ajv counts code points, not UTF-16 units.
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) fail('minLength', { limit: schema.minLength });
    if (schema.maxLength !== undefined && length > schema.maxLength) fail('maxLength', { limit: schema.maxLength });
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) fail('pattern', { pattern: schema.pattern });
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail('minimum', { limit: schema.minimum });
    if (schema.maximum !== undefined && value > schema.maximum) fail('maximum', { limit: schema.maximum });
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail('minItems', { limit: schema.minItems });
    if (schema.maxItems !== undefined && value.length > schema.maxItems) fail('maxItems', { limit: schema.maxItems });
    if (schema.items) value.forEach((item, i) => errors.push(...schemaErrors(schema.items!, item, `${path}/${i}`)));
  }
  if (schema.type === 'object' && value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const name of schema.required ?? []) if (record[name] === undefined) fail('required', { missingProperty: name });
    for (const [name, v] of Object.entries(record)) {
      const sub = schema.properties?.[name];
      if (sub) {
        if (v !== undefined) errors.push(...schemaErrors(sub, v, `${path}/${name}`));
      } else if (schema.additionalProperties === false) fail('additionalProperties', { additionalProperty: name }, `${path}/${name}`); // named by the field itself
    }
  }
  return errors;
}

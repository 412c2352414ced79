// Small builders for the JSON schemas of request bodies (Fastify validates; errors are translated).
import { PHONE_PATTERN } from '../domain/ticket-types.ts';

export function text(maxLength: number, minLength = 1) {
  return { type: 'string', minLength, maxLength };
}

export function obj(properties: Record<string, unknown>, required: string[] = []) {
  return { type: 'object', additionalProperties: false, properties, required };
}

export function codes(maxItems = 10) {
  return { type: 'array', items: text(40), maxItems };
}

/** A phone number: digits with optional +, - and spaces, at least five digits. */
export const PHONE_SCHEMA = { type: 'string', pattern: PHONE_PATTERN };

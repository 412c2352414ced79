// Turns Ajv's English schema errors into one Chinese message per field.
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { labelOf } from './field-labels.ts';
import type { FieldError } from './problem.ts';

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  integer: '整数',
  number: '数字',
  boolean: '布尔值（true/false）',
  object: '对象',
  array: '数组',
};

export function translateValidation(errors: FastifySchemaValidationError[], context: string): FieldError[] {
  return errors.map((e) => {
    const params = e.params as Record<string, any>;
    const base = (e.instancePath || '').replace(/^\//, '');
    const path = e.keyword === 'required' ? [base, params.missingProperty].filter(Boolean).join('/') : base;
    const field = (path || context).replace(/\//g, '.');
    const label = labelOf(path || context);
    let message: string;
    switch (e.keyword) {
      case 'required':
        message = `缺少必填字段「${label}」`;
        break;
      case 'type':
        message = `字段「${label}」应为${TYPE_NAMES[params.type] ?? params.type}`;
        break;
      case 'minLength':
        message = params.limit <= 1 ? `字段「${label}」不能为空` : `字段「${label}」至少 ${params.limit} 个字符`;
        break;
      case 'maxLength':
        message = `字段「${label}」不能超过 ${params.limit} 个字符`;
        break;
      case 'enum':
        message = `字段「${label}」取值无效，可选值：${(params.allowedValues as unknown[]).join('、')}`;
        break;
      case 'pattern':
      case 'format':
        message = `字段「${label}」格式不正确`;
        break;
      case 'minimum':
      case 'exclusiveMinimum':
        message = `字段「${label}」不能小于 ${params.limit}`;
        break;
      case 'maximum':
      case 'exclusiveMaximum':
        message = `字段「${label}」不能大于 ${params.limit}`;
        break;
      case 'minItems':
        message = `字段「${label}」至少需要 ${params.limit} 项`;
        break;
      case 'maxItems':
        message = `字段「${label}」最多 ${params.limit} 项`;
        break;
      case 'additionalProperties':
        message = `不允许的字段「${params.additionalProperty}」`;
        break;
      default:
        message = `字段「${label}」不符合要求`;
    }
    return { field, message };
  });
}

// Schema errors of the admin routes, named the way the admin knows the fields. The shared labels in
// server/field-labels.ts are the ticket's (`name` is 诉求人姓名 there, `kind` 诉求人类别, `amount`
// 延期工作日数); these routes validate with `attachValidation` and relabel here instead.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { translateValidation } from '../server/validation-errors.ts';
import { labelOf } from '../server/field-labels.ts';
import { Problem } from '../server/problem.ts';

/** A preHandler that turns an attached validation error into the usual 400, with these field labels. */
export function withLabels(labels: Record<string, string>) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const failure = request.validationError;
    if (!failure) return;
    const errors = translateValidation(failure.validation, failure.validationContext ?? 'body').map((e) => {
      const path = e.field.replace(/\./g, '/');
      const last = path.split('/').filter((p) => p && !/^\d+$/.test(p)).pop() ?? path;
      const local = labels[last];
      return local ? { field: e.field, message: e.message.replace(`「${labelOf(path)}」`, `「${local}」`) } : e;
    });
    throw new Problem(400, 'invalid-input', errors[0]?.message ?? '请求参数无效', { errors });
  };
}

/** True when the store refused a row for a duplicate key (SQLite or PostgreSQL). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  return !!e && (e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e.message ?? ''));
}

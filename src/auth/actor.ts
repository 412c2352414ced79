// The authenticated user a request acts as: the type lives in the domain, which every floor may name.
export { SYSTEM_ACTOR, type Actor } from '../domain/actor.ts';

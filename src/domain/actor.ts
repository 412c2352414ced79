// The user an action is taken as (authenticated by src/auth/), and the platform's own actor.
import type { Role } from './roles.ts';

export interface Actor {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  unitId: number | null;
  /** For unit roles: the ids of the unit and its sub-units, the only units whose tickets the user sees. */
  unitScope: number[] | null;
  /** An admin reset the password: until the user sets their own, only that is allowed (src/auth/plugin.ts). */
  mustChangePassword?: boolean;
}

/** The platform itself (timers, imports), for audit events not caused by a person. */
export const SYSTEM_ACTOR: Actor = {
  userId: 0,
  username: 'system',
  displayName: '系统',
  role: 'admin',
  unitId: null,
  unitScope: null,
};

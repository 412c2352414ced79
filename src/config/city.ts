// A city's differences from the shared core: its organisation, categories, time limits and
// thresholds. The core reads only this shape; a new city is a new file in ./cities/.
import type { LimitKey, TimeLimit } from '../domain/time-limits.ts';
import type { UnitKind } from '../domain/unit-kinds.ts';
import type { EvaluationConfig } from '../domain/evaluation.ts';
import type { QualityConfig } from '../domain/agent-qc.ts';
import type { CallsConfig } from '../domain/call-config.ts';

export type { UnitKind };

export interface UnitSeed {
  /** Stable code, used in URLs, the CLI (`--unit CODE`) and category mappings. */
  code: string;
  name: string;
  kind: UnitKind;
  /** Code of the parent unit; omitted for top-level units. */
  parent?: string;
  /** Number that receives dispatch SMS (a unit's duty phone, never a citizen's). */
  smsPhone?: string;
}

export interface CategorySeed {
  code: string;
  name: string;
  /** Parent category code; omitted for top-level categories. */
  parent?: string;
  /** Code of the unit a ticket of this category goes to by default. */
  defaultUnit?: string;
  /** A time limit set by a law, regulation or rule for this matter; it overrides the type's limit (第十五条). */
  replyLimit?: TimeLimit;
  /** The law or rule that sets replyLimit, cited so the override can be checked. */
  legalBasis?: string;
  /** Keywords an agent might type, to suggest this category. */
  keywords?: string[];
}

export interface DemoUserSeed {
  username: string;
  displayName: string;
  role: import('../domain/roles.ts').Role;
  unit?: string;
}

export interface CityConfig {
  /** Short code, also the ticket number prefix (e.g. MDJ → MDJ20261122000123). */
  code: string;
  name: string;
  timezone: 'Asia/Shanghai';
  /** The time limits of the city's measures; categories may override the reply limit. */
  limits: Record<LimitKey, TimeLimit>;
  /** How far back the duplicate check looks for the same requester and a similar matter. */
  duplicateWindowDays: number;
  /** Similarity of two matters' facts (0–1) from which they count as the same matter. */
  duplicateSimilarity: number;
  /** At most this many extension requests per duty (第十五条: 最多可提出2次). */
  maxExtensions: number;
  /** The monthly evaluation's weights and the 通报 thresholds (第二十九条, 第三十一条(二)). */
  evaluation: EvaluationConfig;
  /** The SMS provider's 短信签名 and template ids (HttpSmsGateway; README: Outbound events, change feed and SMS). */
  sms?: SmsProviderConfig;
  /** 质效审核 and 智能质检 (第二十六条, 第三十一条(一)): QC rule thresholds, word lists and shifts; the defaults when absent. */
  quality?: QualityConfig;
  /** 话务管理: skill queues, seat rules and the GB/T 33358 targets (README: Call handling). */
  calls: CallsConfig;
  /** Account security; the defaults when absent (README: Security and reliability). */
  security?: SecurityConfig;
  /** Open311 GeoReport v2 (docs/interop.md); the defaults when absent. */
  open311?: Open311Config;
  units: UnitSeed[];
  categories: CategorySeed[];
  demoUsers: DemoUserSeed[];
}

export interface Open311Config {
  /** The jurisdiction_id clients may name (the city code is accepted too); any other is refused. */
  jurisdictionId: string;
  /**
   * A POST with the same key and the same content (service_code, description, location, contact)
   * within this many minutes is a client's retry and answers the first ticket. FixMyStreet re-sends
   * after 5 minutes and then every 30.
   */
  repeatWindowMinutes: number;
}

export const DEFAULT_OPEN311: Open311Config = { jurisdictionId: 'mudanjiang.gov.cn', repeatWindowMinutes: 24 * 60 };

export interface SecurityConfig {
  /** Admins log in with a TOTP code as well; one who has not enrolled is led through enrolment at login. */
  requireTotpForAdmins?: boolean;
}

/** Per-city SMS provider settings; the gateway URL and key come from the environment. */
export interface SmsProviderConfig {
  signName: string;
  templateIds: Partial<Record<'dispatch_notice' | 'deadline_warning' | 'callback_request' | 'supervision' | 'special_report' | 'emergency_report' | 'kb_notice' | 'spike_alert', string>>;
}

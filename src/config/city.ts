// A city's differences from the shared core: its organisation, categories, time limits and
// thresholds. The core reads only this shape; a new city is a new file in ./cities/.
import type { LimitKey, TimeLimit } from '../domain/time-limits.ts';
import type { UnitKind } from '../domain/unit-kinds.ts';
import type { EvaluationConfig } from '../domain/evaluation.ts';
import type { QualityConfig } from '../domain/agent-qc.ts';
import type { CallsConfig } from '../domain/call-config.ts';
import type { PortalCodeConfig } from '../domain/portal-code.ts';
import type { AccountSecurity } from '../domain/account-security.ts';

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
  /** 第二十五条: a 行政调解类 (mediation) or 执法办案类 (enforcement) matter; ratings of its 投诉/举报 are left out of 满意率. */
  caseClass?: import('../domain/evaluation.ts').CaseClass;
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
  /** Likely duplicates across callers (same category, place and facts within days): shown at intake and to the centre for 并单. */
  crossCaller: import('../domain/similarity.ts').CrossCallerRule;
  /** At most this many extension requests per duty (第十五条: 最多可提出2次). */
  maxExtensions: number;
  /** What a change of the working calendar recomputes (src/calendar/recompute.ts); the defaults when absent. */
  calendar?: CalendarChangeConfig;
  /** The monthly evaluation's weights and the 通报 thresholds (第二十九条, 第三十一条(二)). */
  evaluation: EvaluationConfig;
  /** The SMS provider's 短信签名 and template ids (HttpSmsGateway; docs/reference/outbox-and-sms.md). */
  sms?: SmsProviderConfig;
  /** 质效审核 and 智能质检 (第二十六条, 第三十一条(一)): QC rule thresholds, word lists and shifts; the defaults when absent. */
  quality?: QualityConfig;
  /** Callers' words in this city the knowledge search adds to the general lexicon (src/knowledge/colloquial-lexicon.json). */
  kbLexicon?: { rewrites?: Array<[string, string]>; concepts?: Array<{ say: string[]; means: string[] }> };
  /** 话务管理: skill queues, seat rules and the GB/T 33358 targets (docs/reference/calls.md). */
  calls: CallsConfig;
  /** Account security; the defaults when absent (docs/operations/security-accounts.md). */
  security?: SecurityConfig;
  /** The portal's SMS code for 好差评: expiry, tries and throttles; the defaults when absent (docs/ratings-and-portal.md). */
  portalCode?: PortalCodeConfig;
  /** 查看完整联系方式 limits and the public knowledge-base read limit; DEFAULT_PRIVACY when absent (docs/security-personal-data.md). */
  privacy?: PrivacyConfig;
  /** Open311 GeoReport v2 (docs/interop.md); the defaults when absent. */
  open311?: Open311Config;
  units: UnitSeed[];
  categories: CategorySeed[];
  demoUsers: DemoUserSeed[];
}

export interface CalendarChangeConfig {
  /**
   * How far back (days before the change) finished duties, replied 督办 items and closed 差评 reviews
   * get their deadline and 超期 flag recomputed when an imported notice or an override changes a day.
   * Open ones are always recomputed. Older records keep the deadline they were judged by.
   */
  recomputeFinishedDays: number;
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

/** The throttles and the password policy; each absent field takes DEFAULT_ACCOUNT_SECURITY's. */
export interface SecurityConfig extends Partial<AccountSecurity> {
  /** Admins log in with a TOTP code as well; one who has not enrolled is led through enrolment at login. */
  requireTotpForAdmins?: boolean;
  /**
   * Minutes between publications of the audit chain's head (position and hash) to the log and the
   * outbox (topic `audit.head`), for a system outside the database to keep; default 60.
   */
  auditHeadIntervalMinutes?: number;
}

export interface PrivacyConfig {
  /** A unit user may reveal at most this many requesters' contacts per hour (the next one is refused with 429). */
  revealsPerHour: number;
  /** From this many reveals by one user within an hour, the centre is alerted (once per hour). */
  revealAlertAt: number;
  /** Anonymous reads of the public knowledge base (search, answer, article) per client IP and minute. */
  publicKbPerMinute: number;
}

export const DEFAULT_PRIVACY: PrivacyConfig = { revealsPerHour: 20, revealAlertAt: 10, publicKbPerMinute: 60 };

/** The city's privacy limits, each falling back to its default. */
export function privacyOf(city: CityConfig): PrivacyConfig {
  return { ...DEFAULT_PRIVACY, ...city.privacy };
}

/** Per-city SMS provider settings; the gateway URL and key come from the environment. */
export interface SmsProviderConfig {
  signName: string;
  templateIds: Partial<Record<'dispatch_notice' | 'deadline_warning' | 'callback_request' | 'supervision' | 'special_report' | 'emergency_report' | 'kb_notice' | 'spike_alert' | 'portal_code' | 'merge_notice' | 'merged_reply', string>>;
}

/** What a city changes over another: the limits key by key, every other field whole. */
export type CityOverrides = Partial<Omit<CityConfig, 'limits'>> & { limits?: Partial<CityConfig['limits']> };

/** A city built on another, overriding only what differs (the limits table merges key by key). */
export function defineCity(base: CityConfig, overrides: CityOverrides): CityConfig {
  const { limits, ...rest } = overrides;
  return { ...base, ...rest, limits: { ...base.limits, ...limits } };
}

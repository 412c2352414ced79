// What a city sets for call handling (话务管理): its skill queues, the seat rules and the service
// targets of GB/T 33358. The core reads only this shape (CityConfig.calls); the values are Mudanjiang's
// defaults below, overridable per city.

export interface CallQueueConfig {
  /** Queue code as the switch sends it (`queue` of an offered event) and as a seat skill. */
  code: string;
  name: string;
  /** Trunks (dialled numbers) whose calls land in this queue when the switch names none. */
  trunks?: string[];
}

export interface RestrictionConfig {
  /** 第三十二条's grounds, code → label. */
  reasons: Record<string, string>;
  /** 短期限制: the longest restriction a team lead may ask for, in days. */
  maxDays: number;
  /** What the switch adapter plays to a restricted caller; {until} is replaced by the end date. */
  notice: string;
}

export interface CallsConfig {
  /** Skill queues: the general line and the desks (惠企通, 方言, 外语, 特殊群体). */
  queues: CallQueueConfig[];
  /** The queue of a call whose switch names none (the general 12345 line). */
  defaultQueue: string;
  /** After-call work (话后处理) at most this long; then the seat is ready by itself. */
  wrapUpSeconds: number;
  /** A caller who hangs up within this many seconds of the offer is a short abandon, counted apart. */
  shortAbandonSeconds: number;
  /** Answer within this many seconds (GB/T 33358: 15 s). */
  answerTargetSeconds: number;
  /** First reply to an SMS or online message within this many seconds (GB/T 33358: 3 min). */
  messageResponseSeconds: number;
  /** Whether short abandons also go to the 漏接回拨 queue (a misdial usually). */
  callbackShortAbandons: boolean;
  /**
   * 漏接回拨's target: the first call-back attempt within `targetSeconds` of the loss, counted in the
   * call-back hours only (Shanghai `HH:mm`, start inclusive, end exclusive; equal ends mean all day).
   */
  missedCallback: { targetSeconds: number; hours: { start: string; end: string } };
  /** Reasons a seat may be not ready (示忙), code → label. */
  notReadyReasons: Record<string, string>;
  restriction: RestrictionConfig;
}

export const DEFAULT_CALLS: CallsConfig = {
  queues: [
    { code: 'general', name: '12345 综合话务', trunks: ['12345'] },
    { code: 'enterprise', name: '惠企通（涉企诉求）' },
    { code: 'dialect', name: '方言坐席' },
    { code: 'foreign', name: '外语坐席' },
    { code: 'special_groups', name: '特殊群体（老年人、残疾人等）' },
  ],
  defaultQueue: 'general',
  wrapUpSeconds: 60,
  shortAbandonSeconds: 5,
  answerTargetSeconds: 15,
  messageResponseSeconds: 180,
  callbackShortAbandons: false,
  missedCallback: { targetSeconds: 1800, hours: { start: '08:00', end: '20:00' } },
  notReadyReasons: {
    break: '小休',
    meal: '用餐',
    training: '培训',
    meeting: '班组会议',
    callback: '回访/回拨',
    ticket_work: '工单处理',
    other: '其他',
  },
  restriction: {
    reasons: {
      repeated_calls: '无正当理由反复拨打',
      occupying: '长时间占用热线资源',
      false_facts: '歪曲捏造事实',
      defamation: '诽谤、诬告和陷害他人',
      harassment: '骚扰、侮辱、威胁热线工作人员',
    },
    maxDays: 30,
    notice: '您的号码因违反热线使用规定，已被限制使用 12345 热线至 {until}。如遇紧急情况请拨打 110、119、120 或 122。',
  },
};

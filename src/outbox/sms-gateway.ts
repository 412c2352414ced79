// Where SMS leave the platform. Development writes them to a file (recipient numbers masked: it is a
// log); production posts them to the operator's HTTP gateway (HttpSmsGateway). Both implement
// SmsGateway: a send that throws is retried by the relay with backoff.
import { appendFile, chmod, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { maskPhone } from '../domain/masking.ts';
import type { SmsMessage } from './outbox.ts';

export interface SmsSendResult {
  /** The provider's id of the accepted message, kept in the delivery log. */
  providerMessageId?: string | null;
}

export interface SmsGateway {
  send(message: SmsMessage, requestId?: string): Promise<SmsSendResult | void>;
}

const TEMPLATES: Record<SmsMessage['template'], (p: Record<string, string>) => string> = {
  dispatch_notice: (p) => `【12345热线】贵单位有新${p.role ?? ''}工单 ${p.ticketNo}，请在${p.signLimit ?? '规定时限'}内签收办理。`,
  deadline_warning: (p) => `【12345热线】工单 ${p.ticketNo} 即将到期（${p.dueAt ?? ''}），请及时办理。`,
  callback_request: (p) => `【12345热线】您反映的诉求（${p.ticketNo}）已办理，我们将回访，请留意来电。`,
  supervision: (p) => `【12345热线】工单 ${p.ticketNo}：${p.matter ?? '督办提醒'}。`,
  special_report: (p) => `【12345热线】${p.level}：工单 ${p.ticketNo} 已生成并转办，特此报告。`,
  emergency_report: (p) => `【12345热线】紧急事项已转 ${p.line}，记录 ${p.ticketNo}，特此报告。`,
  kb_notice: (p) => `【12345热线】贵单位知识库条目《${p.title}》${p.matter}，请登录平台处理。`,
  merge_notice: (p) => `【12345热线】您反映的诉求（${p.ticketNo}）与他人反映的同一事项已合并为工单 ${p.mainNo} 办理，办理结果将告知您。`,
  merged_reply: (p) => `【12345热线】您反映的诉求（${p.ticketNo}）已随工单 ${p.mainNo} 办理：${p.result}`,
  portal_code: (p) => `【12345热线】您正在评价工单 ${p.ticketNo} 的办理结果，验证码 ${p.code}，${p.minutes}分钟内有效。工作人员不会向您索要验证码，请勿告诉他人。`,
  spike_alert: (p) => `【12345热线】社情民意预警：${p.district}「${p.topic}」${p.day} 诉求 ${p.count} 件，近14日日均 ${p.mean} 件，请研判并做好“未诉先办”。`,
};

export function renderSms(message: SmsMessage): string {
  return TEMPLATES[message.template](message.params);
}

/**
 * Development's stand-in for the recipients' phones: the file holds what they would read, the
 * portal's 好差评 codes included (that is how a developer rates on the demo). It is no staff view;
 * production sends through HttpSmsGateway and keeps no message text.
 */
export class FileSmsGateway implements SmsGateway {
  private narrowed = false;
  constructor(private readonly file: string) {}
  async send(message: SmsMessage): Promise<void> {
    // Owner-only (0700 directory when created here, 0600 file): the log holds messages sent to citizens.
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    await appendFile(this.file, `${new Date().toISOString()}\t${maskPhone(message.to)}\t${renderSms(message)}\n`, { mode: 0o600 });
    // A log written before by an older version: narrowed once.
    if (!this.narrowed) await chmod(this.file, 0o600);
    this.narrowed = true;
  }
}

export interface HttpSmsGatewayOptions {
  url: string;
  /** 短信签名, e.g. 牡丹江12345. */
  signName: string;
  /** The provider's template id for each template the platform sends. */
  templateIds: Partial<Record<SmsMessage['template'], string>>;
  /** Sent as `Authorization: Bearer …` when given. */
  apiKey?: string;
  timeoutMs?: number;
}

/**
 * Posts one JSON request per message: { requestId, to, signName, templateId, template, params }.
 * `requestId` is the outbox message's id, stable across retries, so the provider can drop a repeat.
 * A 2xx answer is success (its JSON `messageId`, if any, is the provider message id); anything else,
 * a timeout or a network error throws and the message is retried.
 */
export class HttpSmsGateway implements SmsGateway {
  constructor(private readonly options: HttpSmsGatewayOptions) {}
  async send(message: SmsMessage, requestId?: string): Promise<SmsSendResult> {
    const templateId = this.options.templateIds[message.template];
    if (!templateId) throw new Error(`no provider template id for ${message.template}`);
    const res = await fetch(this.options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
      body: JSON.stringify({ requestId: requestId ?? null, to: message.to, signName: this.options.signName, templateId, template: message.template, params: message.params }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`SMS gateway HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
    let providerMessageId: string | null = null;
    try {
      const body = JSON.parse(text) as { messageId?: unknown };
      if (body && (typeof body.messageId === 'string' || typeof body.messageId === 'number')) providerMessageId = String(body.messageId);
    } catch {
      /* an empty or non-JSON 2xx body is still accepted */
    }
    return { providerMessageId };
  }
}

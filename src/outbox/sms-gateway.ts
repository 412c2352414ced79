// Where SMS leave the platform. Development writes them to a file; a production gateway adapter
// implements the same interface. Recipient numbers are masked in the file: it is a log.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { maskPhone } from '../domain/masking.ts';
import type { SmsMessage } from './outbox.ts';

export interface SmsGateway {
  send(message: SmsMessage): Promise<void>;
}

const TEMPLATES: Record<SmsMessage['template'], (p: Record<string, string>) => string> = {
  dispatch_notice: (p) => `【12345热线】贵单位有新${p.role ?? ''}工单 ${p.ticketNo}，请在1个工作日内签收办理。`,
  deadline_warning: (p) => `【12345热线】工单 ${p.ticketNo} 即将到期（${p.dueAt ?? ''}），请及时办理。`,
  callback_request: (p) => `【12345热线】您反映的诉求（${p.ticketNo}）已办理，我们将回访，请留意来电。`,
  supervision: (p) => `【12345热线】工单 ${p.ticketNo}：${p.matter ?? '督办提醒'}。`,
  special_report: (p) => `【12345热线】${p.level}：工单 ${p.ticketNo} 已生成并转办，特此报告。`,
  emergency_report: (p) => `【12345热线】紧急事项已转 ${p.line}，记录 ${p.ticketNo}，特此报告。`,
  kb_notice: (p) => `【12345热线】贵单位知识库条目《${p.title}》${p.matter}，请登录平台处理。`,
  spike_alert: (p) => `【12345热线】社情民意预警：${p.district}「${p.topic}」${p.day} 诉求 ${p.count} 件，近14日日均 ${p.mean} 件，请研判并做好“未诉先办”。`,
};

export function renderSms(message: SmsMessage): string {
  return TEMPLATES[message.template](message.params);
}

export class FileSmsGateway implements SmsGateway {
  constructor(private readonly file: string) {}
  async send(message: SmsMessage): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, `${new Date().toISOString()}\t${maskPhone(message.to)}\t${renderSms(message)}\n`);
  }
}

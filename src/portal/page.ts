// The public portal's pages (/portal, /portal/track): plain HTML rendered on the server, phone-first,
// no login, no external resources. The captcha question is in the page; a small inline script sends
// the form as JSON (photos as base64) to /api/v1/public/portal/… and shows the answer. Tracking takes
// the ticket number and the phone's last four digits; rating also takes the code the page has sent
// by SMS to that phone (发送验证码).
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { SATISFACTION_LABELS, SATISFACTION_LEVELS, TICKET_TYPES, TICKET_TYPE_LABELS } from '../domain/ticket-types.ts';
import { portalState } from './routes.ts';
import { portalCategories } from './service.ts';

const esc = (s: string | null | undefined) => (s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string, script: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} - 12345 政务服务便民热线</title>
<style>
*{box-sizing:border-box}body{font-family:"PingFang SC","Microsoft YaHei",sans-serif;max-width:720px;margin:0 auto;padding:12px 16px 32px;color:#222;line-height:1.6;font-size:16px}
header{border-bottom:3px solid #b71c1c;margin-bottom:12px}h1{font-size:20px;color:#b71c1c;margin:8px 0}nav{display:flex;flex-wrap:wrap;gap:0 8px}nav a{display:inline-flex;align-items:center;min-height:44px;padding:0 8px;margin-left:-8px;color:#1565c0}
label{display:block;margin:12px 0 4px;font-weight:600}.req::after{content:" *";color:#c62828}
input,select,textarea,button{font:inherit;width:100%;min-height:44px;padding:10px;border:1px solid #bbb;border-radius:6px}textarea{min-height:120px}
button{background:#b71c1c;color:#fff;border:none;margin-top:16px;cursor:pointer}button:disabled{opacity:.6}
.hint{color:#666;font-size:14px}.captcha{display:flex;gap:8px;align-items:center}.captcha strong{white-space:nowrap;font-size:18px}
.msg{padding:10px 12px;border-radius:6px;margin:12px 0}.ok{background:#e8f5e9;border:1px solid #66bb6a}.err{background:#ffebee;border:1px solid #e57373}
.box{border:1px solid #ddd;border-radius:6px;padding:12px;margin:12px 0}.box:empty,[hidden]{display:none!important}.reply{white-space:pre-wrap;background:#fafafa;padding:8px;border-left:4px solid #1565c0}
.levels label{display:inline-flex;gap:6px;align-items:center;min-height:44px;padding:0 8px 0 0;font-weight:normal;margin:0 12px 0 0;cursor:pointer}.levels input{width:22px;height:22px;min-height:0;margin:0}
.photos img{max-width:30%;margin:4px;border:1px solid #ddd}
button.inline{width:auto;margin-top:0;white-space:nowrap}
</style></head><body>
<header><h1>12345 政务服务便民热线 · 网上诉求</h1><nav><a href="/portal">我要反映</a><a href="/portal/track">查询与评价</a><a href="/public/kb">政策问答</a></nav></header>
<main>${body}</main>
<noscript><p class="msg err">本页需要浏览器脚本才能提交。也可直接拨打 12345。</p></noscript>
<p class="hint">紧急情况请拨打 110、119、120、122。您的个人信息仅用于办理本诉求，不向承办单位以外公开。</p>
<script>${script}</script>
</body></html>`;
}

const COMMON_JS = `
async function post(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) { const e = new Error((data.errors && data.errors[0] && data.errors[0].message) || data.title || ('提交失败（' + res.status + '）')); e.status = res.status; throw e; }
  return data;
}
function show(el, cls, html) { el.className = 'msg ' + cls; el.innerHTML = html; el.hidden = false; el.focus(); }
function esc(s) { return String(s == null ? '' : s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]); }
`;

const SUBMIT_JS = `${COMMON_JS}
const form = document.getElementById('portal-form');
const result = document.getElementById('result');
async function newCaptcha() {
  const res = await fetch('/api/v1/public/portal/captcha');
  if (!res.ok) return;
  const c = await res.json();
  document.getElementById('captcha-question').textContent = c.question;
  form.elements['captchaToken'].value = c.token;
  form.elements['captchaAnswer'].value = '';
}
function readFile(file) {
  return new Promise((resolve, reject) => { const r = new FileReader(); r.onload = () => resolve(String(r.result)); r.onerror = reject; r.readAsDataURL(file); });
}
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = form.elements; const button = form.querySelector('button'); button.disabled = true;
  try {
    const files = Array.from(f['photos'].files || []);
    if (files.length > ${3}) throw new Error('最多上传 3 张照片');
    for (const file of files) if (file.size > 2 * 1024 * 1024) throw new Error('每张照片不能超过 2MB：' + file.name);
    const photos = [];
    for (const file of files) photos.push({ name: file.name, data: await readFile(file) });
    const body = { type: f['type'].value, categoryCode: f['categoryCode'].value, facts: f['facts'].value, address: f['address'].value, name: f['name'].value, phone: f['phone'].value, photos, captcha: { token: f['captchaToken'].value, answer: f['captchaAnswer'].value } };
    const data = await post('/api/v1/public/portal/requests', body);
    form.hidden = true;
    show(result, 'ok', '提交成功！您的工单编号是 <strong data-testid="ticket-no">' + esc(data.no) + '</strong>。请记下编号，凭编号和手机号后四位<a href="/portal/track">查询办理进度</a>。');
  } catch (e) {
    show(result, 'err', esc(e.message));
    await newCaptcha();
  } finally { button.disabled = false; }
});
`;

const TRACK_JS = `${COMMON_JS}
const form = document.getElementById('track-form');
const out = document.getElementById('track-result');
const msg = document.getElementById('track-msg');
let current = null;
function render(t) {
  current = t;
  let html = '<h2>工单 ' + esc(t.no) + '</h2><p>办理状态：<strong data-testid="status">' + esc(t.statusText) + '</strong></p>';
  html += '<p class="hint">' + esc(t.typeLabel) + (t.category ? ' · ' + esc(t.category) : '') + ' · 提交于 ' + esc(t.submittedAt.slice(0, 16).replace('T', ' ')) + (t.unit ? ' · 承办单位：' + esc(t.unit) : '') + '</p>';
  if (t.photos.length) html += '<div class="photos">' + t.photos.map((p) => '<img alt="诉求照片" src="' + esc(p.url) + '">').join('') + '</div>';
  html += t.replies.length ? t.replies.map((r) => '<h3>答复' + (r.unit ? '（' + esc(r.unit) + '）' : '') + '</h3><div class="reply" data-testid="reply">' + esc(r.content) + '</div><p class="hint">' + esc(r.at.slice(0, 16).replace('T', ' ')) + '</p>').join('') : '<p>尚无可公布的答复：承办单位的答复经热线审核通过后在此公布，请耐心等待。</p>';
  if (t.rating) html += '<p class="msg ok" data-testid="rated">您已评价：' + esc(t.rating.levelLabel) + (t.rating.comment ? '，' + esc(t.rating.comment) : '') + '</p>';
  out.innerHTML = html;
  document.getElementById('rate-form').hidden = !t.canRate;
}
form.addEventListener('submit', async (ev) => {
  ev.preventDefault(); msg.hidden = true;
  try { render(await post('/api/v1/public/portal/track', { no: form.elements['no'].value.trim(), phoneLast4: form.elements['phoneLast4'].value.trim() })); }
  catch (e) { out.innerHTML = ''; document.getElementById('rate-form').hidden = true; show(msg, 'err', esc(e.message)); }
});
let resendTimer = null;
document.getElementById('send-code').addEventListener('click', async (ev) => {
  const button = ev.target; msg.hidden = true; button.disabled = true;
  try {
    const sent = await post('/api/v1/public/portal/rating-code', { no: current.no, phoneLast4: form.elements['phoneLast4'].value.trim() });
    show(msg, 'ok', '验证码已发送至' + esc(sent.sentTo) + '，' + esc(sent.ttlMinutes) + ' 分钟内有效。');
    let wait = sent.resendAfterSeconds || 60;
    button.textContent = wait + ' 秒后可重发';
    clearInterval(resendTimer);
    resendTimer = setInterval(() => { wait -= 1; if (wait <= 0) { clearInterval(resendTimer); button.disabled = false; button.textContent = '重新发送'; } else button.textContent = wait + ' 秒后可重发'; }, 1000);
    document.getElementById('code').focus();
  } catch (e) { button.disabled = false; show(msg, 'err', esc(e.message)); }
});
document.getElementById('rate-form').addEventListener('submit', async (ev) => {
  ev.preventDefault(); msg.hidden = true;
  const rf = ev.target; const level = rf.querySelector('input[name=level]:checked');
  if (!level) { show(msg, 'err', '请选择评价等级'); return; }
  const code = rf.elements['code'].value.trim();
  if (!/^[0-9]{6}$/.test(code)) { show(msg, 'err', '请填写短信验证码（6 位数字）'); return; }
  try {
    await post('/api/v1/public/portal/rate', { no: current.no, code, level: level.value, comment: rf.elements['comment'].value });
    render(await post('/api/v1/public/portal/track', { no: current.no, phoneLast4: form.elements['phoneLast4'].value.trim() }));
    show(msg, 'ok', '感谢您的评价！');
  } catch (e) { show(msg, 'err', esc(e.message)); }
});
`;

export const portalPages: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const state = await portalState(ctx);

  app.get('/portal', { schema: { hide: true } }, async (request, reply) => {
    const nowMs = Date.parse(ctx.clock.now());
    state.captchas.takeOrRefuse(request.ip, nowMs);
    const challenge = state.signer.challenge(nowMs);
    const categories = await portalCategories(ctx);
    const groups = new Map<string, typeof categories>();
    for (const c of categories) groups.set(c.group ?? '其他', [...(groups.get(c.group ?? '其他') ?? []), c]);
    const options = [...groups].map(([g, cs]) => `<optgroup label="${esc(g)}">${cs.map((c) => `<option value="${esc(c.code)}">${esc(c.name)}</option>`).join('')}</optgroup>`).join('');
    const body = `<form id="portal-form" novalidate>
<label for="type" class="req">诉求类型</label><select id="type" name="type" required>${TICKET_TYPES.map((t) => `<option value="${t}"${t === 'help' ? ' selected' : ''}>${TICKET_TYPE_LABELS[t]}</option>`).join('')}</select>
<label for="categoryCode">诉求分类</label><select id="categoryCode" name="categoryCode"><option value="">不确定（由热线分类）</option>${options}</select>
<label for="facts" class="req">诉求内容</label><textarea id="facts" name="facts" required maxlength="4000" placeholder="请写明时间、地点、事情经过和您的诉求"></textarea>
<label for="address">涉事地址</label><input id="address" name="address" maxlength="300" placeholder="如：东安区新安街道光华小区3号楼">
<label for="photos">照片（可选，最多3张，每张不超过2MB，JPG/PNG/WebP）</label><input id="photos" name="photos" type="file" accept="image/jpeg,image/png,image/webp" multiple>
<label for="name">称呼</label><input id="name" name="name" maxlength="50" autocomplete="name" placeholder="如：王女士">
<label for="phone" class="req">联系电话</label><input id="phone" name="phone" type="tel" required maxlength="20" autocomplete="tel" inputmode="tel">
<p class="hint">查询进度时需要工单编号和该电话的后四位；评价时将向该手机发送短信验证码。</p>
<label for="captchaAnswer" class="req">验证码：请计算</label>
<div class="captcha"><strong id="captcha-question" data-testid="captcha-question">${esc(challenge.question)}</strong><input id="captchaAnswer" name="captchaAnswer" required inputmode="numeric" maxlength="6" autocomplete="off"></div>
<input type="hidden" name="captchaToken" value="${esc(challenge.token)}">
<button type="submit">提交诉求</button>
</form>
<div id="result" role="status" tabindex="-1" hidden></div>`;
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page('我要反映', body, SUBMIT_JS));
  });

  app.get('/portal/track', { schema: { hide: true } }, async (_request, reply) => {
    const levels = SATISFACTION_LEVELS.map((l) => `<label><input type="radio" name="level" value="${l}">${SATISFACTION_LABELS[l]}</label>`).join('');
    const body = `<form id="track-form">
<label for="no" class="req">工单编号</label><input id="no" name="no" required maxlength="30" autocomplete="off" placeholder="如：MDJ20261122000123">
<label for="phoneLast4" class="req">手机号后四位</label><input id="phoneLast4" name="phoneLast4" required inputmode="numeric" pattern="[0-9]{4}" maxlength="4" autocomplete="off">
<button type="submit">查询</button>
</form>
<div id="track-msg" role="status" tabindex="-1" hidden></div>
<div id="track-result" class="box" aria-live="polite"></div>
<form id="rate-form" class="box" hidden>
<h2>评价（好差评，每件诉求评价一次）</h2>
<fieldset class="levels"><legend>您对办理结果是否满意？</legend>${levels}</fieldset>
<label for="comment">评价内容（不满意时请说明原因）</label><textarea id="comment" name="comment" maxlength="1000"></textarea>
<label for="code" class="req">短信验证码</label>
<div class="captcha"><input id="code" name="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code"><button type="button" id="send-code" class="inline">发送验证码</button></div>
<p class="hint">为确认是诉求人本人评价，验证码将发送至登记的手机号码；热线和承办单位工作人员不会向您索要验证码。</p>
<button type="submit">提交评价</button>
</form>`;
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page('查询与评价', body, TRACK_JS));
  });
};

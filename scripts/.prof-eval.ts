import { writeFileSync } from 'node:fs';
import { startConsole } from '../test/browser/support.ts';
const c = await startConsole();
try {
  const month = new Date(Date.now() - 31 * 86_400_000).toISOString().slice(0, 7);
  const { page } = await c.loginAs('authority1');
  await page.addInitScript({ content: `
    window.markResponseArrived = function markResponseArrived() { const t = performance.now(); while (performance.now() - t < 3); };
    window.markDrawn = function markDrawn() { const t = performance.now(); while (performance.now() - t < 3); };
    const f = window.fetch;
    window.fetch = async (...a) => { const r = await f(...a); if (String(a[0]).includes('/evaluation/months/')) { window.__resp = performance.now(); window.markResponseArrived(); } return r; };
    new MutationObserver(() => { if (!window.__drawn && window.__resp && document.querySelector('[data-testid="evaluation-table"] [data-unit]')) { window.__drawn = performance.now(); window.markDrawn(); } }).observe(document, { childList: true, subtree: true });
  ` });
  await page.reload();
  const cdp = await page.context().newCDPSession(page);
  for (let i = 0; i < Number(process.env.RUNS ?? 3); i++) {
    await page.goto(`${c.baseUrl}/workbench`);
    await page.waitForTimeout(500);
    const profile = i === 0 && process.env.PROFILE;
    if (profile) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.start'); }
    const answered = page.waitForResponse((r) => r.url().includes(`/api/v1/evaluation/months/${month}`)).then(() => Date.now());
    await page.evaluate((m) => { window.history.pushState(null, '', `/evaluation?month=${m}`); window.dispatchEvent(new PopStateEvent('popstate')); }, month);
    const at = await answered;
    await page.locator('[data-testid="evaluation-table"] [data-unit]').first().waitFor();
    const drawn = Date.now() - at;
    await page.waitForFunction(() => !document.querySelector('.ant-spin-spinning'));
    const settled = Date.now() - at;
    const rows = await page.locator('[data-testid="evaluation-table"] [data-unit]').count();
    const inPage = await page.evaluate('(() => { const d = window.__drawn - window.__resp; window.__drawn = 0; window.__resp = 0; return d; })()');
    console.log(JSON.stringify({ rows, drawn, settled, inPage }));
    if (profile) { const { profile: p } = await cdp.send('Profiler.stop'); writeFileSync('/tmp/h22/eval.cpuprofile', JSON.stringify(p)); }
  }
} finally { await c.stop(); }

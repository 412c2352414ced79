// The knowledge base of the demo: the five example bulletins (demo/bulletins) filed by the centre as
// published 政策法规 (no unit named: the centre's own filing, owned by the issuing body's unit), and a
// few hand-written articles taken through the real lifecycle — published answers of each kind, a
// unit's policy entries waiting under the 5-working-day rule (one overdue), one waiting for the head's
// approval, one for the centre's review — plus one document the centre imported for 住建局, waiting
// for its head's approval (第十九条), direct answers that used articles and an agent's 纠错 report.
import type { AppContext } from '../server/context.ts';
import { isUnitRole, type Role } from '../domain/roles.ts';
import { shanghaiDate } from '../domain/deadline.ts';
import { describeLimit } from '../domain/time-limits.ts';
import type { CityConfig } from '../config/city.ts';
import { SYSTEM_ACTOR, type Actor } from '../domain/actor.ts';
import { createTicket } from '../tickets/intake.ts';
import { createArticle, reportArticle, runArticleAction, type ArticleInput } from '../knowledge/articles.ts';
import { importDocuments, importSeedBulletins, SEED_BULLETIN_DIR } from '../knowledge/import.ts';
import { passagesOf } from '../knowledge/text.ts';

async function actor(ctx: AppContext, username: string): Promise<Actor | null> {
  const u = await ctx.store.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  if (!u) return null;
  const role = u.role as Role;
  return { userId: u.id, username: u.username, displayName: u.display_name, role, unitId: u.unit_id, unitScope: isUnitRole(role) && u.unit_id ? ctx.org.subtreeIds(u.unit_id) : null };
}

const daysAgo = (ctx: AppContext, days: number) => shanghaiDate(new Date(Date.parse(ctx.clock.now()) - days * 86_400_000).toISOString());

// The articles' limits are the city's (its config's limit table), so a changed limit changes the answer.
const publishedArticles = (limits: CityConfig['limits']): Array<{ by: string; input: ArticleInput }> => [
  {
    by: 'centre1',
    input: {
      kind: 'faq',
      title: '12345热线受理哪些事项、多长时间答复？',
      unitCode: 'MDJ12345',
      source: { title: '牡丹江市12345政务服务便民热线运行管理办法（试行）', docNo: '牡政办发〔2023〕18号', issuer: '牡丹江市人民政府办公室', date: '2023-06-09' },
      body: `12345热线受理企业和群众各类非紧急诉求，包括咨询、求助、投诉、举报和意见建议；110、119、120、122等紧急事项转接相应紧急热线。\n承办单位应在${describeLimit(limits.sign)}内签收工单，咨询类事项${describeLimit(limits['reply.consultation'])}内答复，求助、意见建议、表扬类${describeLimit(limits['reply.help'])}内，投诉、举报类${describeLimit(limits['reply.complaint'])}内办结。\n对办理结果不满意且诉求合理的，退回承办单位再次办理。`,
    },
  },
  {
    by: 'scjgj.staff',
    input: {
      kind: 'guide',
      title: '个体工商户设立登记“全城通办”办事指南',
      source: { title: '牡丹江市城区个体工商户营业执照“全城通办”实施方案', docNo: null, issuer: '牡丹江市市场监督管理局', date: '2023-05-17' },
      body: '办理地点：牡丹江市城区任一政务服务大厅或登记大厅“个体工商户登记”窗口，不受住所（经营场所）所在地限制。\n办理方式：可通过黑龙江政务服务网“全程电子化登记”平台网上申报，也可到窗口由工作人员或帮办代办人员指导。\n领取执照：登记后即时发放电子营业执照，纸质执照可自助打照、寄递或现场领取。',
    },
  },
  {
    by: 'zjj.staff',
    input: {
      kind: 'duty',
      title: '市住房和城乡建设局职能：物业管理与老旧小区改造',
      body: '市住房和城乡建设局负责全市住宅物业管理的监督指导，受理物业服务投诉；负责城镇老旧小区改造的政策制定、计划编制和组织实施监督。\n老旧小区改造中的楼体保温、屋面防水、管网更新等问题，可向所在城区政府或市住建局反映。',
    },
  },
  {
    by: 'rdgs.staff',
    input: {
      kind: 'hotspot',
      title: '供暖期室温不达标怎么办？',
      body: '供暖期内居民室内温度应不低于18℃。室温偏低时，可先检查暖气阀门是否全开、暖气片是否需要排气；仍不热的，拨打牡丹江热电有限公司供热服务热线或12345热线报修，供热企业应及时上门检测处理。',
    },
  },
];

export async function loadKnowledgeDemo(ctx: AppContext): Promise<{ imported: number; written: number }> {
  const imported = (await importSeedBulletins(ctx, SYSTEM_ACTOR, SEED_BULLETIN_DIR)).created;
  const existing = await ctx.store.db.selectFrom('kb_articles').select('id').where('origin', '=', 'manual').limit(1).executeTakeFirst();
  if (existing) return { imported, written: 0 };

  const [centre, agent, admin, zjjStaff, zjjHead, scjgjHead, rdgsHead] = await Promise.all(['centre1', 'agent1', 'admin', 'zjj.staff', 'zjj.head', 'scjgj.head', 'rdgs.head'].map((u) => actor(ctx, u)));
  if (!centre || !agent || !admin || !zjjStaff || !zjjHead) return { imported, written: 0 };
  // The head of the author's unit approves; the centre's own article, an admin.
  const approvers: Record<string, Actor | null> = { 'zjj.staff': zjjHead, 'scjgj.staff': scjgjHead, 'rdgs.staff': rdgsHead };
  let written = 0;
  const published: number[] = [];
  for (const { by, input } of publishedArticles(ctx.city.limits)) {
    const author = await actor(ctx, by);
    if (!author) continue;
    const { id } = await createArticle(ctx, author, input);
    await runArticleAction(ctx, author, id, 'submit', {});
    await runArticleAction(ctx, approvers[by] ?? admin, id, 'approve', { approve: true });
    await runArticleAction(ctx, centre, id, 'review', { pass: true });
    published.push(id);
    written++;
  }

  // 住建局's new policies, each to be entered within 5 working days of taking effect.
  const overdue = await createArticle(ctx, zjjStaff, {
    kind: 'policy',
    title: '住宅专项维修资金使用办法（新修订）',
    effectiveFrom: daysAgo(ctx, 12),
    source: { title: '牡丹江市住宅专项维修资金管理办法', docNo: null, issuer: '市住房和城乡建设局', date: daysAgo(ctx, 20) },
    body: '（要点待整理）业主申请使用住宅专项维修资金，须经专有部分占建筑物总面积三分之二以上且人数三分之二以上的业主参与表决，并经参与表决者四分之三以上同意。',
  });
  const waiting = await createArticle(ctx, zjjStaff, {
    kind: 'policy',
    title: '既有住宅加装电梯补助政策',
    effectiveFrom: daysAgo(ctx, 3),
    body: '既有住宅加装电梯须经本单元房屋专有部分面积三分之二以上且人数三分之二以上的业主同意。符合条件的项目可申请财政补助，具体标准以住建部门公布为准。',
  });
  await runArticleAction(ctx, zjjStaff, waiting.id, 'submit', {});
  const review = await createArticle(ctx, zjjStaff, {
    kind: 'faq',
    title: '物业公司不作为可以向哪里投诉？',
    body: '对物业服务企业不履行合同义务、服务质量差等问题，可先与物业服务企业协商；协商不成的，可向所在街道办事处、区住建部门或拨打12345热线投诉。',
  });
  await runArticleAction(ctx, zjjStaff, review.id, 'submit', {});
  await runArticleAction(ctx, zjjHead, review.id, 'approve', { approve: true });
  written += 3;
  void overdue;

  // Collected by the centre for 住建局 (--unit ZJJ): published only once 住建局's head approves it.
  const forUnit = '物业服务收费明码标价公示要求：物业服务企业应当在物业服务区域内的显著位置，将服务内容、服务标准以及收费项目、收费标准等有关情况进行公示。\n业主对公示内容有异议的，可向所在区住建部门或拨打12345热线反映。';
  await importDocuments(
    ctx,
    centre,
    [{ title: '关于进一步规范住宅物业服务收费公示的通知', docNo: null, issuer: '市住房和城乡建设局', date: daysAgo(ctx, 2), effectiveFrom: daysAgo(ctx, 2), expiresOn: null, section: null, enclosed: [], body: forUnit, passages: passagesOf(forUnit) }],
    { unitCode: 'ZJJ', bulletin: '热线管理机构代为采集' },
  );

  // Agents answered consultations with published articles; one reported an error.
  const [hotline, guide, , heating] = published;
  for (const [articleId, facts] of [
    [hotline, '咨询12345热线对投诉的办理时限'],
    [guide, '咨询个体工商户营业执照能否在其他区办理'],
    [guide, '咨询个体工商户纸质营业执照如何领取'],
  ] as const) {
    if (articleId) await createTicket(ctx, agent, { channel: 'phone', type: 'consultation', requester: { kind: 'person', name: '王女士', phone: '13904530100' }, facts, disposition: 'direct_answer', answer: { content: '已按知识库条目答复', articleId: String(articleId) } });
  }
  if (heating) await reportArticle(ctx, agent, heating, { content: '条目未写供热服务热线的具体号码，群众追问时无法答复，请补充。', passageSeq: 0 });
  return { imported, written };
}

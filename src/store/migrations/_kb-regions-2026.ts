// What the knowledge-base regions migration (2026-12-30-kb-regions) infers for the articles already
// there, as the knowledge module inferred it on that date (a frozen copy): which city or county a
// document belongs to, whether it is a 讨论稿/征求意见稿, and a passage's character bigrams.

/** Prefectural cities of Heilongjiang and the county-level places under them that issue documents. */
const PLACES: Record<string, string[]> = {
  哈尔滨市: ['尚志市', '五常市', '依兰县', '方正县', '宾县', '巴彦县', '木兰县', '通河县', '延寿县'],
  齐齐哈尔市: ['讷河市', '龙江县', '依安县', '泰来县', '甘南县', '富裕县', '克山县', '克东县', '拜泉县'],
  牡丹江市: ['绥芬河市', '海林市', '宁安市', '穆棱市', '东宁市', '林口县', '东安区', '阳明区', '爱民区', '西安区'],
  佳木斯市: ['抚远市', '同江市', '富锦市', '桦南县', '桦川县', '汤原县'],
  大庆市: ['肇州县', '肇源县', '林甸县', '杜尔伯特蒙古族自治县'],
  鸡西市: ['虎林市', '密山市', '鸡东县', '鸡冠区'],
  双鸭山市: ['集贤县', '友谊县', '宝清县', '饶河县'],
  伊春市: ['铁力市', '嘉荫县', '汤旺县', '丰林县', '大箐山县', '南岔县'],
  七台河市: ['勃利县'],
  鹤岗市: ['萝北县', '绥滨县'],
  黑河市: ['北安市', '五大连池市', '嫩江市', '逊克县', '孙吴县'],
  绥化市: ['安达市', '肇东市', '海伦市', '望奎县', '兰西县', '青冈县', '庆安县', '明水县', '绥棱县'],
  大兴安岭地区: ['漠河市', '呼玛县', '塔河县'],
};

/** Every place, full name → the prefecture it belongs to (itself for a prefecture). */
const PREFECTURE_OF = new Map<string, string>();
for (const [city, counties] of Object.entries(PLACES)) {
  PREFECTURE_OF.set(city, city);
  for (const c of counties) PREFECTURE_OF.set(c, city);
}

/** A place as callers and documents name it: 鸡西市 → 鸡西, 林口县 → 林口 (two characters at least). */
const shortOf = (place: string) => {
  const s = place.replace(/(市|县|区|地区|蒙古族自治县)$/, '');
  return s.length >= 2 ? s : place;
};
/** Longest names first, so 牡丹江 is not read as 丹江. */
const NAMES = [...PREFECTURE_OF.keys()].flatMap((full) => [[full, full], [shortOf(full), full]] as const).sort((a, b) => b[0].length - a[0].length);

/** 文号 prefixes: 牡政办发 → 牡丹江市, 鸡政规 → 鸡西市. */
const DOC_NO_PREFIX: Array<[RegExp, string]> = [
  [/^牡/, '牡丹江市'],
  [/^鸡/, '鸡西市'],
  [/^佳/, '佳木斯市'],
  [/^哈/, '哈尔滨市'],
  [/^齐/, '齐齐哈尔市'],
  [/^庆/, '大庆市'],
  [/^双/, '双鸭山市'],
  [/^伊/, '伊春市'],
  [/^七/, '七台河市'],
  [/^鹤/, '鹤岗市'],
  [/^绥政/, '绥化市'],
  [/^黑河/, '黑河市'],
  [/^抚/, '抚远市'],
];

/** The places a text names, in order of first mention, as full names. */
function placesNamedIn(text: string): string[] {
  const found: Array<{ at: number; place: string }> = [];
  const taken: Array<[number, number]> = [];
  for (const [name, full] of NAMES) {
    for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + name.length)) {
      if (taken.some(([a, b]) => i < b && i + name.length > a)) continue;
      taken.push([i, i + name.length]);
      found.push({ at: i, place: full });
    }
  }
  return [...new Set(found.sort((a, b) => a.at - b.at).map((f) => f.place))];
}

interface DocumentFacts {
  title: string;
  issuer?: string | null;
  docNo?: string | null;
  body?: string;
}

/**
 * The region a document belongs to: the place its issuing body or its title begins with, else its
 * 文号's prefix, else the place its opening text names most; null when nothing says.
 */
export function inferRegion(doc: DocumentFacts): string | null {
  for (const text of [doc.issuer, doc.title]) {
    if (!text) continue;
    const first = placesNamedIn(text.slice(0, 12))[0];
    if (first) return first;
  }
  for (const [re, place] of DOC_NO_PREFIX) if (doc.docNo && re.test(doc.docNo)) return place;
  const counts = new Map<string, number>();
  const opening = (doc.body ?? '').slice(0, 3000);
  for (const [name, full] of NAMES) {
    let n = 0;
    for (let i = opening.indexOf(name); i >= 0; i = opening.indexOf(name, i + name.length)) n++;
    if (n) counts.set(full, (counts.get(full) ?? 0) + n);
  }
  const best = [...counts].sort((a, b) => b[1] - a[1])[0];
  return best && best[1] >= 2 ? best[0] : null;
}

type DocStatus = 'formal' | 'draft';

const DRAFT = /[（(〔［\[]?\s*(讨论稿|征求意见稿|送审稿|草案|初稿|意见稿)\s*[）)〕］\]]?/;

/** 讨论稿/征求意见稿/送审稿/草案 in the title or the opening lines: never in force, whatever its dates. */
export function inferDocStatus(doc: DocumentFacts): DocStatus {
  if (DRAFT.test(doc.title)) return 'draft';
  const opening = (doc.body ?? '').split('\n').slice(0, 4).join('\n');
  return /^\s*[（(]\s*(讨论稿|征求意见稿|送审稿|草案)\s*[）)]\s*$/m.test(opening) || /(讨论稿|征求意见稿)/.test(opening.slice(0, 60)) ? 'draft' : 'formal';
}

const HAN_RUN = /[\u3400-\u9fff]+|[a-z0-9]+/g;

/** The character bigrams of a text (and its Latin/digit runs whole); a lone character counts as itself. */
export function charGrams(text: string): string[] {
  const out: string[] = [];
  for (const run of text.toLowerCase().match(HAN_RUN) ?? []) {
    if (!/[\u3400-\u9fff]/.test(run[0])) {
      out.push(run);
      continue;
    }
    if (run.length === 1) out.push(run);
    for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  }
  return out;
}

// The spike detector, table-tested: steady baselines stay quiet, a burst in one district is flagged
// there only, low counts never are.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { detectSpikes, spikeThreshold, type TopicSeries } from './spikes.ts';

const steady = [10, 12, 9, 11, 10, 13, 8, 11, 10, 12, 9, 10, 11, 10];
const quiet = [0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1];
const none = new Array(14).fill(0);

describe('spike detector', () => {
  const cases: Array<{ name: string; series: TopicSeries[]; flagged: Array<[string, string]> }> = [
    { name: 'steady baseline, an ordinary day → no spike', series: [{ district: 'DAQ', topic: '供暖', count: 14, baseline: steady }], flagged: [] },
    { name: 'steady baseline, an ordinary low day → no spike', series: [{ district: 'DAQ', topic: '供暖', count: 6, baseline: steady }], flagged: [] },
    { name: 'steady baseline doubled → spike', series: [{ district: 'DAQ', topic: '供暖', count: 25, baseline: steady }], flagged: [['DAQ', '供暖']] },
    {
      name: 'burst of 停水 in one district → spike there only',
      series: [
        { district: 'DAQ', topic: '停水', count: 9, baseline: quiet },
        { district: 'YMQ', topic: '停水', count: 1, baseline: quiet },
        { district: 'AMQ', topic: '停水', count: 0, baseline: quiet },
        { district: 'DAQ', topic: '物业', count: 2, baseline: quiet },
      ],
      flagged: [['DAQ', '停水']],
    },
    { name: 'one or two calls on a topic never heard of → none', series: [{ district: 'DAQ', topic: '噪音', count: 2, baseline: none }], flagged: [] },
    { name: 'four calls, below the minimum → none', series: [{ district: 'DAQ', topic: '噪音', count: 4, baseline: none }], flagged: [] },
    { name: 'five calls of a new topic → spike', series: [{ district: 'DAQ', topic: '噪音', count: 5, baseline: none }], flagged: [['DAQ', '噪音']] },
    {
      name: 'a topic always this busy → none (ratio to the mean)',
      series: [{ district: 'DAQ', topic: '供暖', count: 30, baseline: [20, 40, 20, 40, 20, 40, 20, 40, 20, 40, 20, 40, 20, 40] }],
      flagged: [],
    },
    {
      name: 'several spikes: highest excess first',
      series: [
        { district: 'YMQ', topic: '停电', count: 6, baseline: none },
        { district: 'DAQ', topic: '停水', count: 12, baseline: quiet },
      ],
      flagged: [['DAQ', '停水'], ['YMQ', '停电']],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(detectSpikes(c.series).map((s) => [s.district, s.topic]), c.flagged);
    });
  }

  it('the threshold: max(minimum, mean + 3·max(sd, √mean, 1), 2·mean)', () => {
    assert.deepEqual(spikeThreshold(none), { mean: 0, sd: 0, threshold: 5 });
    const s = spikeThreshold(steady);
    assert.equal(s.mean, 10.428571428571429);
    assert.ok(s.sd < Math.sqrt(s.mean), 'the sample sd is below the Poisson noise floor');
    assert.equal(s.threshold, Math.max(s.mean + 3 * Math.sqrt(s.mean), 2 * s.mean));
    assert.equal(spikeThreshold([1, 2, 1, 2]).threshold, 1.5 + 3 * Math.sqrt(1.5), 'the noise floor wins for small counts');
    assert.equal(spikeThreshold([20, 20]).threshold, 40, 'twice the mean');
    assert.deepEqual(detectSpikes([{ district: 'DAQ', topic: '停水', count: 9, baseline: quiet }])[0], { district: 'DAQ', topic: '停水', count: 9, mean: 0.29, sd: 0.45, threshold: 5 });
  });
});

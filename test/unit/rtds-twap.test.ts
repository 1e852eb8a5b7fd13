// Goal: the data-socket parser reads the Chainlink 30 s and 60 s TWAP topics (fixtures in the documented shape) into their own reference sources, tolerates numeric strings and E18 values, refuses a frame whose window disagrees with its topic, and recognises "topic not found".
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRtdsFrame, TWAP_TOPICS, twapSubscribeFrame } from '../../src/polymarket/wire/rtdsMessages.ts';

const fx = (name: string) => readFileSync(`test/fixtures/polymarket/${name}`, 'utf8');
const frame = (lookback: 30 | 60) => JSON.parse(fx(`rtds_${TWAP_TOPICS[lookback]}_update.json`)) as { payload: Record<string, unknown> };

describe('TWAP frames', () => {
  it('maps the 30 s and 60 s TWAP updates to chainlink_twap30 / chainlink_twap60 prints', () => {
    expect(parseRtdsFrame(fx('rtds_crypto_prices_twap_thirty_update.json'), 9)).toEqual({
      kind: 'prices',
      prices: [
        {
          event_type: 'reference_price',
          source: 'chainlink_twap30',
          symbol: 'BTC/USD',
          px: 65000.5,
          ts_exchange_ms: 1785150685000,
          ts_unix_ms: 9,
        },
      ],
    });
    expect(parseRtdsFrame(fx('rtds_crypto_prices_twap_sixty_update.json'), 9)).toMatchObject({
      kind: 'prices',
      prices: [{ source: 'chainlink_twap60', px: 65012.25 }],
    });
  });

  it('reads a numeric-string value, an E18-scaled value, and the E18 full_accuracy_value when value is absent', () => {
    const f = frame(60);
    f.payload.value = '65012.25';
    expect(parseRtdsFrame(JSON.stringify(f), 1)).toMatchObject({ prices: [{ px: 65012.25 }] });
    f.payload.value = 6.501225e22;
    expect(parseRtdsFrame(JSON.stringify(f), 1)).toMatchObject({ prices: [{ px: 65012.25 }] });
    delete f.payload.value;
    expect(parseRtdsFrame(JSON.stringify(f), 1)).toMatchObject({ prices: [{ px: 65012.25 }] });
  });

  it('refuses a frame whose window_s disagrees with its topic', () => {
    const f = frame(30);
    f.payload.window_s = 60;
    expect(parseRtdsFrame(JSON.stringify(f), 1)).toEqual({ kind: 'invalid', reason: 'crypto_prices_twap_thirty: window_s 60 is not 30' });
  });

  it('recognises "topic not found", naming the TWAP topics the frame mentions', () => {
    expect(parseRtdsFrame('{"topic":"crypto_prices_twap_sixty","message":"topic not found"}', 1)).toMatchObject({
      kind: 'topic_not_found',
      topics: ['crypto_prices_twap_sixty'],
    });
    expect(parseRtdsFrame('Topic not found', 1)).toMatchObject({ kind: 'topic_not_found', topics: [] });
  });

  it('subscribes to a TWAP topic with the Chainlink filter form', () => {
    expect(JSON.parse(twapSubscribeFrame(60))).toEqual(JSON.parse(fx('rtds_subscribe_twap_sixty_btc.json')));
    expect(twapSubscribeFrame(30)).toContain('crypto_prices_twap_thirty');
  });
});

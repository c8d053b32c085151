export { type FakeBinanceOptions, FakeBinanceServer, fakeKline } from './fake-binance.fixture.js';
export {
  FAKE_MULTIPLIER,
  type FakeCandle,
  FakeDukascopyServer,
  type FakeTick,
  fakeCandles,
  fakeTicks,
} from './fake-dukascopy.fixture.js';

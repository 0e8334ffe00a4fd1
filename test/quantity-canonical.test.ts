import { canonicalQuantity, compareQuantities } from '../validate/quantity';

// Pairs the API server was seen to store (kube-apiserver v1.34.2, `npm run test:cluster`: 0.1 → 100m,
// 65536Ki → 64Mi) and the rules of resource.Quantity's canonical form.
test.each([
  ['0.1', '100m'],
  ['.5', '500m'],
  ['1000m', '1'],
  ['2000', '2k'],
  ['1500', '1500'],
  ['65536Ki', '64Mi'],
  ['0.5Gi', '512Mi'],
  ['1.5Gi', '1536Mi'],
  ['1024', '1024'],
  ['0.5Ki', '512'],
  ['675M', '675M'],
  ['46Mi', '46Mi'],
  ['250m', '250m'],
  ['0', '0'],
])('%s is stored as %s', (written, stored) => {
  expect(canonicalQuantity(written)).toBe(stored);
  expect(compareQuantities(written, stored)).toBe(0);
});

test('not a quantity: undefined', () => {
  expect(canonicalQuantity('12 Mi')).toBeUndefined();
});

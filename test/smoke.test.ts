import { find, synthObjects } from './support/manifests';

test('the default environment synthesizes the three microservices and the gateway', () => {
  const objects = synthObjects();
  for (const name of ['news', 'webtoon', 'payment']) {
    expect(find(objects, 'Deployment', name, 'container-infra').spec.template.spec.containers[0].image).toMatch(/podinfo:/);
  }
  expect(find(objects, 'Deployment', 'gateway', 'container-infra')).toBeDefined();
});

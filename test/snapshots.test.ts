import { synthFiles } from './support/manifests';

// For review: a change to any chart's output shows up as a snapshot diff in the pull request.
// The behaviour that matters is asserted in the other test files.
describe.each([...synthFiles().entries()])('%s', (_file, objects) => {
  test('matches the reviewed snapshot', () => {
    expect(objects).toMatchSnapshot();
  });
});

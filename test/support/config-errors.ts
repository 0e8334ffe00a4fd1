import { ConfigError } from '../../config/load';
import { parseConfig } from '../../model/load';

/** Parse `input` as the file "bad.yaml" and return the ConfigError message; fails the test if the input is accepted. */
export function configErrorFor(input: unknown): string {
  try {
    parseConfig(input, 'bad.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`configuration was accepted: ${JSON.stringify(input)}`);
}

import { readFileSync } from 'fs';
import * as path from 'path';
import { IMAGE_RECORD } from '../config/image-record';
import { loadConfig } from '../config/load';
import { NODE_LTS_VERSION } from '../config/schema/node-lts';
import { configFrom, synthObjects } from './support/manifests';

/** Every `image` value in the objects, including pod templates embedded as YAML text (Jenkins agents). */
function imagesIn(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(/^\s*image:\s*["']?([^\s"']+)/gm)) out.add(m[1]);
  } else if (Array.isArray(value)) {
    value.forEach((v) => imagesIn(v, out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'image' && typeof v === 'string') out.add(v);
      else imagesIn(v, out);
    }
  }
  return out;
}

/** Defaults of image fields in the configuration schema (what a user gets without setting them). */
function schemaDefaults(): Set<string> {
  const schema = JSON.parse(readFileSync(path.join(__dirname, '..', 'config', 'config.schema.json'), 'utf8'));
  const out = new Set<string>();
  const walk = (node: unknown, key = '') => {
    if (Array.isArray(node)) node.forEach((n) => walk(n, key));
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (/image$/i.test(key) && typeof o.default === 'string') out.add(o.default);
      for (const [k, v] of Object.entries(o)) walk(v, k === 'properties' ? key : k);
    }
  };
  walk(schema);
  return out;
}

const environments = { default: configFrom(), prod: loadConfig({ env: 'prod' }).config };

describe('every pinned image is in the reviewed record with where its tag was seen', () => {
  for (const [env, config] of Object.entries(environments)) {
    test(`${env}: every image the output runs`, () => {
      const images = [...imagesIn(synthObjects(config))];
      expect(images.length).toBeGreaterThan(10);
      expect(images.filter((i) => !(i in IMAGE_RECORD))).toEqual([]);
    });
  }

  test('every image default of the configuration schema', () => {
    const defaults = [...schemaDefaults()];
    expect(defaults).toEqual(expect.arrayContaining(['jenkins/jenkins:2.541.3-jdk21']));
    expect(defaults.filter((i) => !(i in IMAGE_RECORD))).toEqual([]);
  });

  test('an image that is not in the record is reported', () => {
    const config = configFrom({ services: [{ name: 'news', image: 'ghcr.io/stefanprodan/podinfo:6.99.0' }] });
    const images = [...imagesIn(synthObjects(config))];
    expect(images.filter((i) => !(i in IMAGE_RECORD))).toEqual(['ghcr.io/stefanprodan/podinfo:6.99.0']);
  });

  test('every record entry names its evidence: a commit (40 hex digits) for tags, a source for the rest', () => {
    for (const [image, e] of Object.entries(IMAGE_RECORD)) {
      if (e.kind !== 'indirect') expect({ image, seen: e.seen }).toEqual({ image, seen: expect.stringMatching(/\b[0-9a-f]{40}\b/) });
      else expect(e.seen.length).toBeGreaterThan(60);
    }
  });
});

test('one Node LTS release for every Node image (the auth service and the Jenkins agent)', () => {
  const config = configFrom();
  const node = [...imagesIn(synthObjects(config))].filter((i) => /^node:/.test(i));
  expect(node.sort()).toEqual([config.auth.image, config.jenkins.agent.node.image].sort());
  for (const image of node) expect(image.startsWith(`node:${NODE_LTS_VERSION}-`)).toBe(true);
});

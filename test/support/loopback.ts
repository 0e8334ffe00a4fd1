// The shared helpers live in validate/programs/ (the validator CLI `--programs` uses them too); the raw client is the tests' own.
import * as net from 'net';
export * from '../../validate/programs/loopback';

/** A raw request: for what an HTTP client library will not send (oversized lines, broken syntax). */
export function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    s.setTimeout(3000, () => s.destroy(new Error('raw request timed out')));
    s.on('data', (c) => {
      out += c.toString('utf8');
      // Done at the end of the first response: nginx may linger on a connection it answered early.
      const end = out.indexOf('\r\n\r\n');
      const length = Number(/\r\ncontent-length: ([0-9]+)/i.exec(out)?.[1] ?? NaN);
      if (end >= 0 && Buffer.byteLength(out.slice(end + 4)) >= length) {
        resolve(out);
        s.destroy();
      }
    });
    s.on('end', () => resolve(out));
    s.on('close', () => resolve(out));
    s.on('error', reject);
    // Write without half-closing, as a real client waiting for its answer does: a FIN while nginx
    // discards the announced body made it fall back to its built-in HTML error page now and then.
    s.write(text);
  });
}

export function statusAndJson(response: string): { status: number; contentType: string; body: unknown } {
  const [head, body] = response.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 ([0-9]{3})/.exec(head)?.[1]);
  const contentType = /\r\ncontent-type: ([^\r]+)/i.exec(head)?.[1] ?? '';
  return { status, contentType, body: JSON.parse(body) };
}


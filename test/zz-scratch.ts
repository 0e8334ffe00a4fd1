import { configFrom } from './support/manifests';
import { connectAs, documentedSecret, serverEnvFor, startBus, synthesizedBus } from './support/nats-bus';
import { mkdtempSync } from 'fs';
(async () => {
  const bus = synthesizedBus(configFrom());
  const secret = documentedSecret(bus);
  const running = await startBus(bus.natsConf, (n) => serverEnvFor(bus, secret, n), mkdtempSync('/tmp/i20/x-'));
  try {
    const spy = await connectAs(running.url, 'news', secret.news, { noEcho: true });
    (async () => { for await (const s of spy.status()) console.log('status', s.type, s.data); })();
    for (const subject of ['>', '_INBOX.>', '_R_.>', '$JS.>', '_INBOX_news.>', '_INBOX_payment.>', '_INBOX_webtoon.>']) {
      spy.subscribe(subject, { callback: (e, m) => console.log('cb', subject, e?.message, m?.subject) });
    }
      console.log('subscribed'); const t0 = Date.now();
      await Promise.race([spy.flush(), new Promise((r) => setTimeout(r, 3000))]);
      console.log('flushed', spy.isClosed(), Date.now() - t0); const t1 = Date.now(); await Promise.race([spy.flush(), new Promise((r) => setTimeout(r, 3000))]); console.log('second flush', Date.now() - t1); const t2 = Date.now(); await spy.request('_INBOX_news.nobody', '', { timeout: 1000 }).catch((e) => console.log('req', e.code, Date.now() - t2));

    for (const subject of ['JS.STREAMS.API.CONSUMER.INFO.PAYMENT.webtoon-unlock', '$JS.API.CONSUMER.INFO.PAYMENT.webtoon-unlock']) {
      spy.publish(subject, 'x', { reply: '_INBOX_news.steal' });
      console.log('published', subject);
      await Promise.race([spy.flush(), new Promise((r) => setTimeout(r, 3000))]);
      console.log('flushed', subject, spy.isClosed());
    }
    await spy.close();
  } finally { await running.stop(); }
})();

const { randomUUID } = require('node:crypto');
const s = require('./support');
(async () => {
  const db = await s.createDatabase();
  process.env.PATH = '/tmp/profbin:' + process.env.PATH;
  const bff = await s.startBff(db.url, { DB_POOL_SIZE: '16' });
  process.env.PATH = process.env.PATH.replace('/tmp/profbin:', '');
  try {
    const { accessToken } = await s.call(bff.base, 'POST', '/admin/auth/login', bff.admin);
    const auth = { authorization: `Bearer ${accessToken}` };
    const members = [];
    for (let i = 0; i < s.CONCURRENCY; i++)
      members.push(
        (await s.call(bff.base, 'POST', '/auth/wechat-login', { code: `dev:b-${i}` })).member.id,
      );
    const r = await s.load({
      op: (w) =>
        s.call(
          bff.base,
          'POST',
          `/admin/members/${members[w]}/points-adjustments`,
          { points: 5, reason: 'bench' },
          { ...auth, 'idempotency-key': randomUUID() },
        ),
    });
    console.log(r.perSecond, r.failures, r.firstError && r.firstError.message);
  } finally {
    await bff.stop();
    await db.drop();
  }
})();

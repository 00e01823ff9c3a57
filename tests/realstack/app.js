// The real stack's application server (tests/realstack): Express on Node.js over PostgreSQL
// through node-pg, three request classes of different CPU and query weight. Written for the
// test suite; it stands for the seeds' Node.js (Next.js/NestJS) tasks: one event loop per
// process, requests interleaving while PostgreSQL answers.
//
//   PORT, PGHOST, PGPORT, PGDATABASE, PGUSER  where to listen and which database (environment)
//   POOL_SIZE                                  node-pg pool connections per process (default 10)
//
// The CPU of a class is PBKDF2-SHA256 iterations (native code: the same work every time, like a
// password hash or a template render), so a class's demand is fixed by the code and fitted by
// `loadcast calibrate` without being told.
'use strict';
const crypto = require('crypto');
const express = require('express');
const { Pool } = require('pg');

const pool = new Pool({ max: Number(process.env.POOL_SIZE || 10) });
const app = express();
app.use(express.json({ limit: '16kb' }));

// The handler's CPU, reported to the load generator as `Server-Timing: handler;dur=<ms>` (W3C
// Server Timing, https://www.w3.org/TR/server-timing/): the process's CPU time (user + system,
// process.cpuUsage()) spent in the handler's synchronous work, not the wall time around the query
// it awaits. `loadcast calibrate --handler-metric handler` sets it beside the fitted CPU per request:
// the difference is Express's own per-request overhead (routing, JSON parsing and serialisation).
function work(res, iterations) {
  const before = process.cpuUsage();
  const out = crypto.pbkdf2Sync('loadcast', 'realstack', iterations, 32, 'sha256').toString('hex');
  const used = process.cpuUsage(before);
  res.set('Server-Timing', `handler;dur=${((used.user + used.system) / 1000).toFixed(3)}`);
  return out;
}

function failed(res, err) {
  res.status(500).json({ error: String(err && err.message || err) });
}

// light: a primary-key read and a little CPU.
app.get('/items/:id', async (req, res) => {
  try {
    const r = await pool.query('SELECT id, name, price, category FROM items WHERE id = $1', [Number(req.params.id)]);
    if (r.rowCount === 0) return res.status(404).json({ error: 'no such item' });
    res.json({ item: r.rows[0], etag: work(res, 4000).slice(0, 16) });
  } catch (e) { failed(res, e); }
});

// medium: an aggregate over one category (an index range scan of ~1/50 of the table) and more CPU.
app.get('/search', async (req, res) => {
  try {
    const r = await pool.query(
      'SELECT count(*)::int AS n, avg(price)::float8 AS mean, max(price)::float8 AS top FROM items WHERE category = $1',
      [Number(req.query.category || 0)]);
    res.json({ stats: r.rows[0], digest: work(res, 20000).slice(0, 16) });
  } catch (e) { failed(res, e); }
});

// heavy: a write (an order row) and the most CPU.
app.post('/orders', async (req, res) => {
  try {
    const item = Number(req.body && req.body.item || 1);
    const signature = work(res, 50000);
    const r = await pool.query('INSERT INTO orders (item_id, quantity, signature) VALUES ($1, $2, $3) RETURNING id',
                               [item, Number(req.body && req.body.quantity || 1), signature]);
    res.status(201).json({ id: r.rows[0].id });
  } catch (e) { failed(res, e); }
});

app.get('/health', (req, res) => res.json({ ok: true }));

const server = app.listen(Number(process.env.PORT), '127.0.0.1');
server.keepAliveTimeout = 75000;  // longer than nginx's upstream keepalive_timeout (60 s)
process.on('SIGTERM', () => { server.close(); pool.end(); });

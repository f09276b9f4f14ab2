// Baseline for send-API ingest: an express handler that answers like Mailtrap and stores nothing.
import express from 'express';
import { randomUUID } from 'node:crypto';

const app = express();
app.use(express.json({ limit: '30mb' }));
app.post('/api/send', (_req, res) => res.json({ success: true, message_ids: [randomUUID()] }));
const server = app.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ ready: true, http: `http://127.0.0.1:${server.address().port}` }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

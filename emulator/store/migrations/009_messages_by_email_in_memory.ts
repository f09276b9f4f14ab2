/**
 * Issue 13: the messages-by-address index goes. Keeping it cost ~2.6 µs a message in sql.js
 * (a random place in a B-tree for every recipient; measured) for lookups that only a person's
 * query makes (messages of an address, the latest one for a trigger). Those now read an in-memory
 * index built on first use (sendingRepositories.ts, `messagesByEmail`).
 */
export const name = 'messages_by_email_in_memory';
export const sql = `
DROP INDEX IF EXISTS messages_email;
`;

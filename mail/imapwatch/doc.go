// Package imapwatch reads participants' replies from codev's service mailbox
// over IMAP and hands them, durably, to the domain.
//
// The package stands alone: it knows the domain only through two small
// interfaces, [Sink] (workflow.Service.Deliver and the store's cursor,
// adapted by mail/mailroom) and [Locker] (the store's TryLock), wired in
// cmd/codev. It speaks IMAP with
// go-imap v2's imapclient.
//
// # Order of operations
//
// Inbound mail is durable before it is acknowledged (ARCHITECTURE.md,
// "Exactly-once"). For each new message, in UID order, the watcher
//
//  1. fetches its UID, RFC822.SIZE, INTERNALDATE and FLAGS;
//  2. downloads it with BODY.PEEK[] (its header only, BODY.PEEK[HEADER],
//     when it is over Config.MaxSize, and the Message says Oversize);
//  3. calls Sink.Store, which stores the bytes and enqueues processing in
//     one transaction and advances the cursor;
//  4. only then moves it to the Processed folder.
//
// A failure at any step leaves the message in the mailbox; the watcher logs,
// backs off, reconnects and reads the mailbox again. A batch stops at the
// first failure, so the Sink's cursor keeps its meaning, "every UID up to
// here is stored": a message found at or below it (stored, then a crash
// before the move) is moved without being downloaded or stored again.
// Messages moved away are gone from the mailbox, so on every connection the
// watcher reads everything still there; Store being idempotent makes a
// repeat harmless.
//
// When the UIDVALIDITY the server reports differs from the cursor's, UIDs
// are meaningless and the whole mailbox is read again.
//
// # Waiting for mail
//
// With IDLE (RFC 2177, part of IMAP4rev2) the server reports new mail
// (EXISTS) at once: the watcher ends IDLE, reads the new messages and idles
// again, restarting IDLE every Config.IdleRefresh so that neither the server
// nor a NAT drops a silent connection. Without IDLE, or with Config.Poll, it
// sends NOOP and looks for new UIDs every Config.PollInterval.
//
// # Server without MOVE or folder
//
// Without MOVE (RFC 6851) a message is copied, marked \Deleted and expunged,
// with UID EXPUNGE when the server has UIDPLUS. When the Processed folder
// cannot be created, stored messages are flagged \Seen and $CodevStored and
// stay in the mailbox; flagged ones are skipped, and in that mode only UIDs
// past the cursor are read.
//
// # One watcher
//
// Several codev processes may share a database; only one may read the
// mailbox. Run takes the Locker's "imap-watcher" lock before connecting and
// retries every Config.LockRetry while another process holds it.
//
// # Security
//
// imaps:// uses TLS from the first byte. imap:// upgrades with STARTTLS,
// which is mandatory unless the host is loopback, where a server without
// STARTTLS (the dev mode's in-process server, a local relay) is reached in
// plain text. The URL holds a password and never appears in errors or logs;
// logs carry UIDs, counts and sizes, never message contents or addresses.
package imapwatch

// Package mail builds codev's outbound email and hands it to an SMTP server.
//
// # Composing
//
// [Compose] turns a [Message] into RFC 5322 bytes with the headers of
// INTEROP.md §2 and, for invitations, the CalConnect iMIP layout of
// INTEROP.md §1.2. It checks every header value against header injection and
// the calendar against INTEROP.md §1.1 rules 5 and 7, so a message that
// would be rejected or misread by a mail client never reaches the wire.
//
// # Sending
//
// [Sender] delivers composed bytes over a small pool of authenticated SMTP
// connections, retrying temporary failures in-process. Its errors tell the
// caller whether a retry can help ([IsPermanent]). The SMTP protocol itself
// is spoken by go-mail's smtp package.
//
// The package shares its name with net/mail (imported here as netmail) and
// with go-mail's root package (to be imported as gomail wherever both are needed). Only
// go-mail's smtp subpackage is used, under its own name, which clashes with
// nothing here.
package mail

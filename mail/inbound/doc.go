// Package inbound reads the emails participants send back to codev and says
// what they are: a reply to keep, an automatic reply or a bounce to record, or
// a calendar answer (iTIP REPLY) to apply.
//
// It is a pure parser: no database, no network, no other codev package. The
// caller (the IMAP poller) decides what to do with a [Message]; this package
// only reads bytes. INTEROP.md §1.3 and §3 describe the rules implemented here.
//
// # Order of processing
//
// [Parse] follows INTEROP.md §3.1: it caps the size, parses MIME, looks for a
// text/calendar REPLY at any depth, then for a delivery status notification,
// then for auto-reply signals, and only then treats the message as a reply.
// Every [Message] carries a [Kind] and a human-readable Reason saying which
// rule decided, so the animator can understand a misclassification.
//
// # Reply extraction
//
// [Trim] cuts what the participant did not write: trailing quotes, attribution
// lines ("Le lun. 15 nov. 2021 à 19:42, Nom <adresse> a écrit :", wrapped over
// several lines or not), Outlook header blocks without ">", signatures after
// "-- " and mobile footers. It classifies each line, then cuts on the sequence
// of labels, like discourse/email_reply_trimmer, which is the reference the
// corpus tests measure against (see SCORES.md). Only trailing quoted material
// is cut: a quote followed by the participant's own text stays.
//
// HTML-only replies go through [HTMLToText] first, which renders blockquotes
// and the usual client quote containers (Gmail's div.gmail_quote, Apple's
// blockquote[type=cite], Outlook's #divRplyFwdMsg and what follows it) as
// "> " lines so that the same trimmer applies.
//
// # Answers and ratings
//
// codev's questionnaires number their questions ("1. Question"). The reply
// answers them either on top ("1. ma réponse", "1)", "Q1 :", « Réponse 1 »,
// "**1.**", "a)"…) or inline under each quoted question; [ExtractAnswers]
// handles both and [ParseRating] reads a 1–5 score. Legal notices, mobile
// footers and signature blocks are removed from answers.
//
// # Replies aligned with the request
//
// When the caller knows the plain text of the email the reply answers
// ([Options].Request), the reply is aligned with it ([Align]): both are read
// as sequences of words, so that quoting with or without "> ", re-wrapping,
// the HTML part's rendering, bold marks and non-breaking spaces do not
// matter. Every line of the request is removed from Text, quoted or not;
// the sender's text under a question line answers that question (inline
// answers, Outlook's unmarked quotes, answers typed inside an HTML quote,
// questions copied before each answer); a line of the request pasted inside
// the sender's text, unquoted and out of the request's order, stays theirs;
// the rest is read for numbered answers. A reply where nothing of the
// request is found is read as without it.
//
// # Safety
//
// Input is untrusted. [Parse] never panics and never returns nil, input and
// line counts are capped, every output string is valid UTF-8, and no step is
// worse than linear in the input size: folded lines (headers, iCalendar,
// delivery status) are joined in one builder, multipart bodies are split in
// place, regexps are RE2 and never see lines longer than an attribution can
// be, look-ahead is bounded, MIME nesting (40) and parts (500) are capped,
// HTML quotes are rendered at most 10 levels deep, and HTML that html.Parse
// would take more than linear time on (deep stacks, very dense elements) is
// read as flat text; the Reason says when a cap left content unread or
// unstructured. BenchmarkAdversarial measures it on generated hostile inputs
// (package adversarial); SCORES.md has the numbers.
package inbound

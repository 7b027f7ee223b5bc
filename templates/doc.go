// Package templates renders every email codev sends, in French and in
// English: a subject, a complete plain-text part and an accessible HTML
// part with the same content.
//
// The templates are embedded (fr/*.tmpl, en/*.tmpl), one file per Kind
// and language defining the blocks "subject", "text" and "html", plus a
// common.tmpl per language with the page layout, the footer and the
// question lists. New parses them all once and renders each with sample
// data, so that a broken template stops the program at start instead of
// failing a send job. Subjects and plain text use
// text/template, HTML uses html/template.
//
// The package imports the standard library only: the domain (workflow)
// fills a Data view model and templates only format it. Dates are
// formatted by the caller with FormatDateTime and FormatDate, in the
// recipient's language and time zone.
//
// # Rules every email follows
//
// They come from DOMAIN.md §2 to §4 and are checked by this package's
// tests on every kind, in both languages:
//
//   - The subject names the group, the session and the kind of email,
//     never an answer or a topic, and is stable per conversation: a
//     reminder has the same subject as the email it reminds, so that mail
//     clients thread them. The charter reminder is the exception: a
//     second « Bienvenue » days later reads as a duplicate, so it has its
//     own subject and is threaded by In-Reply-To only.
//   - Questionnaires write each question on its own line as "N. Text",
//     never wrapped, and explain that people may answer by replying,
//     numbering their answers or writing under each quoted question. A
//     rating question says « de 1 à 5 » / "from 1 to 5". Questions returns
//     the same list to the reply parser.
//   - Every footer names the group and its animator and links to the
//     notification preferences.
//   - The plain-text part carries everything the HTML part does: links,
//     dates, questions, answers.
//   - The HTML part has the group's language on <html lang>, a content-type
//     and a color-scheme meta tag, layout tables with role="presentation",
//     real headings, descriptive link texts and no images.
//   - French emails use vous and one inclusive form, the middle dot with
//     the plural in one piece (client·e, participant·es, animateur·rice);
//     the tone is warm and sober, without coaching or sales jargon, and
//     without « météo », which no codev source uses. They say « retour »,
//     not « feedback ».
//   - French typography: a no-break space (NBSP, U+00A0, the one
//     convention) before « : ; ? ! », inside « », and in clock times and
//     durations (« 18 h 00 », « 2 h »); decimal commas (« 4,3 sur 5 »).
//     TestFrenchTypography checks every French email for it.
//   - People are greeted by their first name (FirstName: « Bonjour
//     Alice »). The client of a session is addressed as the client in its
//     invitation and reminder, and the animator is never told that the
//     animator will hear of their own answer.
//   - Reasons codev records as codes (why a message was held) reach the
//     animator in the group's language (ReasonText), never as an English
//     sentence in a French email.
//
// # Writing choices
//
// French templates are written with ordinary spaces, easier to read and
// to review; New applies French spacing to them as it parses them, and
// Questions and KindLabel to their French strings (frenchSpacing). Free
// text that people wrote is shown as written. The reply parser reads
// U+00A0 and U+202F as spaces, so quoted questions still match. English
// text calls the animator "facilitator", the usual English word, and uses
// British spelling and date order ("Tuesday 12 January 2027 at 18:00").
//
// Answers shown back (digest, summary, history) are indented in the plain
// text, so that an answer starting with "1." never looks like one of the
// email's own questions.
//
// Questionnaires carry no « Répondez au-dessus de cette ligne » marker
// (INTEROP.md §2): people are invited to write under the quoted questions,
// which such a marker would contradict.
package templates

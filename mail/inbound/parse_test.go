package inbound

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const testToken = "codev+r-k7d2q3m4n5p6r7s8t9v2w3x4y5z6@example.org"

func parseFile(t *testing.T, name string, opts Options) *Message {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return Parse(raw, opts)
}

func TestParseReplies(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		file    string
		from    string
		subject string
		text    string
		reason  string // substring of Reason
	}{
		{
			name: "GmailFrenchQuotedPrintable", file: "gmail_fr_qp.eml",
			from: "marie.dupont@gmail.com", subject: "Re: Séance du 18 novembre",
			text: "Bonjour Claire,\n\nMerci pour l'envoi. Je serai bien là jeudi, avec une question sur la\n" +
				"délégation : comment faire quand l'équipe résiste ?\n\nBonne journée,\nMarie",
			reason: "text/plain",
		},
		{
			name: "OutlookFrenchHeaderBlockWithNBSP", file: "outlook_fr_de_block.eml",
			from: "paul.martin@entreprise.fr", subject: "RE: Séance du 18 novembre",
			text: "Bonjour,\n\nJe ne pourrai pas venir jeudi, désolé. Je vous envoie mes réponses la semaine prochaine.\n\n" +
				"Cordialement,\nPaul Martin\nResponsable qualité",
		},
		{
			name: "AppleMailNarrowNoBreakSpace", file: "apple_mail_nbsp.eml",
			from: "sophie.leroy@icloud.com",
			text: "Oui, c’est noté\u202f! J’apporte mon cas pour la séance.\n\nSophie",
		},
		{
			name: "Windows1252LabelledISO88591", file: "windows1252_as_latin1.eml",
			from: "jean.petit@orange.fr", subject: "Re: Séance",
			text: "Bonjour,\n\nL’atelier coûte 30 € et le cœur du sujet reste la délégation.\n\nBien à vous,\nJean",
		},
		{
			name: "Base64", file: "base64.eml",
			from: "lea.garnier@free.fr",
			text: "Bonjour,\n\nJe confirme ma présence jeudi.\n\nÀ bientôt,\nLéa",
		},
		{
			name: "FormatFlowedDelSp", file: "flowed_delsp.eml",
			text: "Bonjour, je pense que la piste de la délégation progressive est la plus intéressante pour mon cas, " +
				"et je voudrais la creuser.\nFrom now on I will answer here.",
		},
		{
			name: "OutlookHTMLOnly", file: "outlook_html_only.eml",
			subject: "RE: Questionnaire de la séance",
			text: "Bonjour,\n\nVoici mes réponses :\n1. Je travaille sur la conduite du changement.\n" +
				"2. Oui, jeudi me convient.\nCordialement,\nNadia",
			reason: "text/html",
		},
		{
			name: "MalformedBoundary", file: "malformed_boundary.eml",
			text: "Je viendrai jeudi.\n\nLuc", reason: "boundary",
		},
		{
			name: "TenLevelsOfNesting", file: "nested_10.eml",
			text: "Réponse au fond de dix niveaux.\n\nAmélie",
		},
		{
			name: "UTF8BytesLabelledLatin1", file: "misdeclared_charset.eml",
			text: "Très bien, je serai là à 18 h.", reason: "UTF-8 bytes under charset iso-8859-1",
		},
		{
			name: "Latin1BytesLabelledUTF8", file: "latin1_labelled_utf8.eml",
			text: "Un problème de délégation.", reason: "read as windows-1252",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := parseFile(t, tt.file, Options{})
			require.Equal(t, KindReply, m.Kind, m.Reason)
			require.Equal(t, tt.text, m.Text)
			require.NotContains(t, m.Body, "\r")
			if tt.from != "" {
				require.Equal(t, tt.from, m.From)
			}
			if tt.subject != "" {
				require.Equal(t, tt.subject, m.Subject)
			}
			require.Contains(t, m.Reason, tt.reason)
			require.Contains(t, m.Recipients, testToken)
			require.NotNil(t, m.Answers)
		})
	}
}

func TestParseHeaders(t *testing.T) {
	t.Parallel()

	m := parseFile(t, "gmail_fr_qp.eml", Options{})
	require.Equal(t, "CAF3xYz8r=Qp1@mail.gmail.com", m.MessageID)
	require.Equal(t, []string{"q-k7d2q3m4n5p6r7s8t9v2w3x4y5z6.a1b2c3@example.org"}, m.InReplyTo)
	require.Equal(t, m.InReplyTo, m.References)
	require.Equal(t, time.Date(2021, 11, 16, 7, 12, 45, 0, time.UTC), m.Date.UTC())

	t.Run("RecipientsOrderAndDedup", func(t *testing.T) {
		t.Parallel()
		raw := "From: A <A@Example.org>\r\n" +
			"To: \"Groupe, 42\" <Codev+R-ABC@example.org>, b@example.org\r\n" +
			"Cc: c@example.org\r\n" +
			"Delivered-To: codev+r-abc@example.org\r\n" +
			"X-Original-To: d@example.org\r\n" +
			"Envelope-To: e@example.org\r\n" +
			"X-Envelope-To: <f@example.org>\r\n" +
			"Subject: x\r\n\r\nBonjour\r\n"
		m := Parse([]byte(raw), Options{})
		require.Equal(t, "a@example.org", m.From)
		require.Equal(t, []string{"codev+r-abc@example.org", "b@example.org", "c@example.org",
			"d@example.org", "e@example.org", "f@example.org"}, m.Recipients)
	})

	t.Run("BrokenAddressesAndIDs", func(t *testing.T) {
		t.Parallel()
		raw := "From: \"Unbalanced <jo@example.org>\r\n" +
			"To: codev+r-abc@example.org (Groupe\r\n" +
			"Message-ID: no-brackets@example.org\r\n" +
			"References: <a@x> <b@y>\r\n <c@z>\r\n" +
			"Subject: =?utf-8?B?w4AgYmllbnTDtHQ=?=\r\n\r\nOui\r\n"
		m := Parse([]byte(raw), Options{})
		require.Equal(t, "jo@example.org", m.From)
		require.Equal(t, []string{"codev+r-abc@example.org"}, m.Recipients)
		require.Equal(t, "no-brackets@example.org", m.MessageID)
		require.Equal(t, []string{"a@x", "b@y", "c@z"}, m.References)
		require.Equal(t, "À bientôt", m.Subject)
	})
}

func TestParseCalendar(t *testing.T) {
	t.Parallel()

	t.Run("GmailAccepted", func(t *testing.T) {
		t.Parallel()
		m := parseFile(t, "gmail_rsvp_accepted.eml", Options{})
		require.Equal(t, KindCalendarReply, m.Kind, m.Reason)
		require.Equal(t, &RSVP{
			UID:      "session-3f2a9c1e-7b4d-4e8a-9c2b-1d0e5f6a7b8c@example.org",
			Attendee: "marie.dupont@gmail.com", PartStat: "ACCEPTED", Sequence: 2,
			DTStamp: time.Date(2021, 11, 16, 8, 15, 30, 0, time.UTC), Method: "REPLY",
		}, m.RSVP)
	})

	t.Run("OutlookComNoOrganizerCapsMailtoWindowsTZID", func(t *testing.T) {
		t.Parallel()
		m := parseFile(t, "outlookcom_reply.eml", Options{})
		require.Equal(t, KindCalendarReply, m.Kind, m.Reason)
		require.Equal(t, "sophie.leroy@outlook.fr", m.RSVP.Attendee)
		require.Equal(t, "TENTATIVE", m.RSVP.PartStat)
		require.Equal(t, 2, m.RSVP.Sequence)
		require.Equal(t, time.Date(2021, 11, 16, 9, 12, 0, 0, time.UTC), m.RSVP.DTStamp)
	})

	t.Run("CounterIsUnknown", func(t *testing.T) {
		t.Parallel()
		m := parseFile(t, "outlook_counter.eml", Options{})
		require.Equal(t, KindUnknown, m.Kind)
		require.Contains(t, m.Reason, "COUNTER")
		require.Equal(t, "COUNTER", m.RSVP.Method)
	})
}

func TestParseBounces(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		file      string
		bounced   []string
		permanent bool
	}{
		{name: "DSNPermanent511", file: "dsn_511.eml", bounced: []string{"ancien.membre@entreprise.fr"}, permanent: true},
		{name: "DSNTransient4xx", file: "dsn_transient.eml", bounced: []string{"lent@lent-serveur.fr"}},
		{name: "QmailNonStandard", file: "bounce_qmail.eml", bounced: []string{"parti@hebergeur.fr"}, permanent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := parseFile(t, tt.file, Options{})
			require.Equal(t, KindBounce, m.Kind, m.Reason)
			require.Equal(t, tt.bounced, m.Bounced)
			require.Equal(t, tt.permanent, m.Permanent)
		})
	}

	t.Run("MailerDaemonWithoutAddressIsUnknown", func(t *testing.T) {
		t.Parallel()
		raw := "Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example.org\r\nTo: bounces+x@example.org\r\n" +
			"Subject: Delivery problem\r\n\r\nSomething went wrong with your message.\r\n"
		m := Parse([]byte(raw), Options{})
		require.Equal(t, KindUnknown, m.Kind)
		require.Contains(t, m.Reason, "no recognisable failed address")
	})

	t.Run("SuccessDSNIsNotABounce", func(t *testing.T) {
		t.Parallel()
		raw := "From: postmaster@example.org\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nDelivered.\r\n" +
			"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\n" +
			"Final-Recipient: rfc822; ok@example.org\r\nAction: delivered\r\nStatus: 2.0.0\r\n--b--\r\n"
		m := Parse([]byte(raw), Options{})
		require.Equal(t, KindUnknown, m.Kind)
		require.Contains(t, m.Reason, "without failure")
	})
}

func TestParseAutoReplies(t *testing.T) {
	t.Parallel()

	t.Run("FrenchExchangeOutOfOffice", func(t *testing.T) {
		t.Parallel()
		m := parseFile(t, "exchange_ooo_fr.eml", Options{})
		require.Equal(t, KindAutoReply, m.Kind)
		require.Contains(t, m.Reason, "Auto-Submitted: auto-generated")
		require.Equal(t, "Réponse automatique\u00a0: Questionnaire de la séance", m.Subject)
	})

	base := "From: a@example.org\r\nTo: " + testToken + "\r\n"
	tests := []struct {
		name   string
		header string
		body   string
		kind   Kind
	}{
		{name: "AutoSubmittedNo", header: "Auto-Submitted: no\r\nSubject: Re: x\r\n", kind: KindReply},
		{name: "AutoSubmittedAutoReplied", header: "Auto-Submitted: auto-replied (vacation)\r\nSubject: x\r\n", kind: KindAutoReply},
		{name: "XAutoreply", header: "X-Autoreply: yes\r\nSubject: x\r\n", kind: KindAutoReply},
		{name: "XAutorespond", header: "X-Autorespond: 1\r\nSubject: x\r\n", kind: KindAutoReply},
		{name: "PrecedenceBulk", header: "Precedence: bulk\r\nSubject: x\r\n", kind: KindAutoReply},
		{name: "PrecedenceJunk", header: "Precedence: junk\r\nSubject: x\r\n", kind: KindAutoReply},
		{name: "PrecedenceList", header: "Precedence: list\r\nSubject: x\r\n", kind: KindAutoReply},
		{name: "PrecedenceAutoReply", header: "Precedence: auto_reply\r\nSubject: x\r\n", kind: KindAutoReply},
		{name: "ExchangeRulesLoop", header: "X-MS-Exchange-Inbox-Rules-Loop: a@example.org\r\nSubject: x\r\n", kind: KindAutoReply},
		{name: "AutoResponseSuppressIsNotASignal", header: "X-Auto-Response-Suppress: All\r\nSubject: Re: x\r\n", kind: KindReply},
		{name: "NullReturnPath", header: "Return-Path: <>\r\nSubject: x\r\n", kind: KindAutoReply},
		{name: "WeakSubjectWithAbsenceBody", header: "Subject: Absent(e) du bureau : Questionnaire\r\n",
			body: "Je suis absente jusqu'au 3 mars.", kind: KindAutoReply},
		{name: "WeakSubjectAlone", header: "Subject: Out of Office: x\r\n", body: "See you.", kind: KindReply},
		{name: "HumanAnsweringAnAutoReply", header: "Subject: Re: Réponse automatique : x\r\n",
			body: "Bon retour de congés !", kind: KindReply},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := tt.body
			if body == "" {
				body = "Merci, à jeudi."
			}
			m := Parse([]byte(base+tt.header+"\r\n"+body+"\r\n"), Options{})
			require.Equal(t, tt.kind, m.Kind, m.Reason)
		})
	}
}

func TestParseAnswers(t *testing.T) {
	t.Parallel()

	want := map[int]string{
		1: "Mon équipe a du mal à prioriser ; je voudrais\napprendre à dire non sans démotiver.",
		2: "Des regards extérieurs, et des exemples concrets :\n   1. comment vous faites,\n   2. ce qui a raté.",
		3: "4/5",
	}
	t.Run("TopPosted", func(t *testing.T) {
		t.Parallel()
		m := parseFile(t, "answers_top.eml", Options{Questions: 3, RatingQuestion: 3})
		require.Equal(t, KindReply, m.Kind)
		require.Equal(t, want, m.Answers)
		require.NotNil(t, m.Rating)
		require.Equal(t, 4, *m.Rating)
	})

	t.Run("Inline", func(t *testing.T) {
		t.Parallel()
		m := parseFile(t, "answers_inline.eml", Options{Questions: 3, RatingQuestion: 3})
		require.Equal(t, map[int]string{
			1: "Mon équipe a du mal à prioriser.\nJe voudrais apprendre à dire non.",
			2: "Des regards extérieurs.",
			3: "4",
		}, m.Answers)
		require.Equal(t, 4, *m.Rating)
	})

	t.Run("QuestionsLimit", func(t *testing.T) {
		t.Parallel()
		m := parseFile(t, "answers_top.eml", Options{Questions: 2})
		require.Len(t, m.Answers, 2)
		require.Nil(t, m.Rating, "no rating question and no explicit rating line")
	})

	t.Run("HTMLOrderedList", func(t *testing.T) {
		t.Parallel()
		m := parseFile(t, "outlook_html_only.eml", Options{})
		require.Equal(t, map[int]string{
			1: "Je travaille sur la conduite du changement.",
			2: "Oui, jeudi me convient.",
		}, m.Answers)
	})
}

func TestParseNeverFails(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		raw    string
		kind   Kind
		reason string
	}{
		{name: "Empty", raw: "", kind: KindUnknown, reason: "no text part"},
		{name: "HeaderOnly", raw: "From: a@example.org\r\nSubject: x\r\n", kind: KindUnknown},
		{name: "Garbage", raw: "\x00\x01\x02<<<>>>\x80", kind: KindUnknown, reason: "no reply text"},
		{name: "EmojiOnly", raw: "From: a@example.org\r\n\r\n\U0001F44D\r\n", kind: KindReply},
		{name: "NoHeaderPlainText", raw: "Juste du texte.\n", kind: KindReply},
		{name: "OnlyAttachment", raw: "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n",
			kind: KindUnknown, reason: "no text part"},
		{name: "OnlyQuote", raw: "From: a@example.org\r\n\r\nLe 3 mars 2024 à 10:00, X <x@example.org> a écrit :\r\n> bonjour\r\n",
			kind: KindUnknown, reason: "no reply text"},
		{name: "BadBase64", raw: "From: a@example.org\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!SGVsbG8gd29ybGQ*\r\n", kind: KindReply},
		{name: "MissingClosingBoundary", raw: "From: a@example.org\r\nContent-Type: multipart/alternative; boundary=zz\r\n\r\n" +
			"--zz\r\nContent-Type: text/plain\r\n\r\nOui, merci.\r\n", kind: KindReply},
		{name: "UnknownCharset", raw: "From: a@example.org\r\nContent-Type: text/plain; charset=x-klingon\r\n\r\nQapla\xe9\r\n",
			kind: KindReply, reason: "unknown charset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := Parse([]byte(tt.raw), Options{})
			require.NotNil(t, m)
			require.Equal(t, tt.kind, m.Kind, m.Reason)
			require.NotEmpty(t, m.Reason)
			require.Contains(t, m.Reason, tt.reason)
			require.NotNil(t, m.Answers)
		})
	}

	t.Run("Oversize", func(t *testing.T) {
		t.Parallel()
		raw := "From: Big <big@example.org>\r\nMessage-ID: <big@example.org>\r\nSubject: gros\r\n\r\n" +
			strings.Repeat("x", 2000)
		m := Parse([]byte(raw), Options{MaxBytes: 1000})
		require.Equal(t, KindUnknown, m.Kind)
		require.Contains(t, m.Reason, "exceeds MaxBytes")
		require.Equal(t, "big@example.org", m.From)
		require.Equal(t, "big@example.org", m.MessageID)
		require.Empty(t, m.Body)
	})

	t.Run("LineCap", func(t *testing.T) {
		t.Parallel()
		raw := "From: a@example.org\r\n\r\n" + strings.Repeat("ligne\r\n", 50)
		m := Parse([]byte(raw), Options{MaxLines: 10})
		require.True(t, m.Truncated)
		require.Equal(t, 10, strings.Count(m.Text, "ligne"))
	})
}

func TestSummary(t *testing.T) {
	t.Parallel()

	decode := func(t *testing.T, m *Message) map[string]any {
		t.Helper()
		b, err := json.Marshal(m.Summary("x.eml"))
		require.NoError(t, err)
		var out map[string]any
		require.NoError(t, json.Unmarshal(b, &out))
		return out
	}

	t.Run("Reply", func(t *testing.T) {
		t.Parallel()
		out := decode(t, parseFile(t, "base64.eml", Options{}))
		require.Equal(t, "x.eml", out["file"])
		require.Equal(t, "reply", out["kind"])
		require.Equal(t, map[string]any{}, out["answers"])
		require.Contains(t, out, "rating")
		require.Nil(t, out["rating"])
		require.NotContains(t, out, "bounced")
		require.NotContains(t, out, "partstat")
	})

	t.Run("Answers", func(t *testing.T) {
		t.Parallel()
		out := decode(t, parseFile(t, "answers_inline.eml", Options{RatingQuestion: 3}))
		require.Equal(t, "4", out["answers"].(map[string]any)["3"])
		require.Equal(t, float64(4), out["rating"])
	})

	t.Run("Calendar", func(t *testing.T) {
		t.Parallel()
		out := decode(t, parseFile(t, "gmail_rsvp_accepted.eml", Options{}))
		require.Equal(t, "calendar_reply", out["kind"])
		require.Equal(t, "ACCEPTED", out["partstat"])
		require.Equal(t, "marie.dupont@gmail.com", out["attendee"])
		require.Equal(t, "session-3f2a9c1e-7b4d-4e8a-9c2b-1d0e5f6a7b8c@example.org", out["uid"])
	})

	t.Run("Bounce", func(t *testing.T) {
		t.Parallel()
		out := decode(t, parseFile(t, "dsn_511.eml", Options{}))
		require.Equal(t, "bounce", out["kind"])
		require.Equal(t, []any{"ancien.membre@entreprise.fr"}, out["bounced"])
	})
}

package inbound

import (
	"regexp"
	"strings"
)

// Line matchers for Trim. Each takes a line already passed through normLine.
// Cheap byte checks gate the regexps, so an ordinary line of text costs a
// few string scans and no regexp run; the regexps are RE2 and compiled once.

// isQuote reports a quoted line: "> …", and the "Name> …" or "C> …" prefixes
// some clients and mailing-list archives use.
func isQuote(s string) bool {
	t := strings.TrimLeft(s, " \t")
	if t == "" {
		return false
	}
	if t[0] == '>' {
		return true
	}
	n := 0
	for n < len(t) && n < 12 && isASCIILetter(t[n]) {
		n++
	}
	return n > 0 && n < len(t) && t[n] == '>' && (n+1 == len(t) || t[n+1] == ' ')
}

// isEmptyQuote reports a line holding only quote marks (">", "> >"): it
// separates quoted paragraphs and counts as an empty line.
func isEmptyQuote(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '>' && c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// delimiterRunes are the characters a separator line is made of.
const delimiterRunes = "-_,=+~#*ᐧ"

// isDelimiter reports a separator line ("--", "_____", "=====", "***"). A
// lone "-", "*", "+" or "#" is a list bullet or a heading mark, not a
// separator. Lines of em dashes ("—", "—————") are typographic rules people
// put in their own signature, so they are text: codev keeps the sender's
// words when in doubt, and only ASCII rules and Outlook's underscores cut.
func isDelimiter(s string) bool {
	t := strings.Trim(s, " \t")
	if t == "" {
		return false
	}
	for _, r := range t {
		if !strings.ContainsRune(delimiterRunes, r) {
			return false
		}
	}
	return !(len(t) == 1 && strings.IndexByte("-*+#", t[0]) >= 0)
}

// isSigDelimiter reports the usenet signature separator "-- " (or "--").
func isSigDelimiter(s string) bool {
	return strings.TrimRight(s, " \t") == "--" && strings.HasPrefix(s, "--")
}

// sigRule is one mobile-footer prefix; when set, ok further checks the
// whole (trimmed, lower-cased prefix-matched) line.
type sigRule struct {
	prefix string
	ok     func(line string) bool
}

var sigRules = []sigRule{
	// English
	{prefix: "sent from "}, {prefix: "sent via "}, {prefix: "sent with "},
	{prefix: "sent by ", ok: func(l string) bool { return wordCount(l) <= 4 }},
	{prefix: "sent using "}, {prefix: "get outlook for "},
	{prefix: "from my ", ok: func(l string) bool { return wordCount(l) <= 4 }},
	// French
	{prefix: "envoyé de mon "}, {prefix: "envoyé de ma "}, {prefix: "envoyé depuis "},
	{prefix: "envoyé à partir de "}, {prefix: "envoyé avec "}, {prefix: "envoye de mon "},
	{prefix: "envoye depuis "}, {prefix: "télécharger outlook pour "}, {prefix: "obtenir outlook pour "},
	// German
	{prefix: "von meinem ", ok: func(l string) bool { return containsFold(l, "gesendet") }},
	{prefix: "diese nachricht wurde von ", ok: func(l string) bool { return containsFold(l, "gesendet") }},
	{prefix: "gesendet von "}, {prefix: "gesendet mit "},
	// Italian, Scandinavian, Portuguese, Spanish, Dutch, Polish, Russian, Chinese
	{prefix: "inviato da "}, {prefix: "sendt fra min "}, {prefix: "skickat från min "}, {prefix: "från min "},
	{prefix: "enviado do meu "}, {prefix: "enviado desde mi "}, {prefix: "enviado de mi "},
	{prefix: "verzonden met "}, {prefix: "verstuurd vanaf mijn "}, {prefix: "verzonden vanuit "},
	{prefix: "verzonden vanaf mijn "}, {prefix: "wysłane z "}, {prefix: "wysłano z "},
	{prefix: "отправлено с "}, {prefix: "從我的 iphone 傳送"}, {prefix: "发自我的"},
}

var reMarkdownLink = regexp.MustCompile(`\[([^\]]+)\]\([^)]+\)`)

// isFooterEnd reports a footer line that ends the sender's text: mobile
// clients append their footer after what was typed, so what follows it is
// the quoted message even when no attribution introduces it. Long lines are
// only removed, not cut at, in case a sentence looks like a footer.
func isFooterEnd(s string) bool {
	t := strings.TrimSpace(s)
	return runeCount(t) <= 80 && wordCount(t) <= 10
}

// isSignature reports a mobile or webmail footer ("Envoyé de mon iPhone",
// "Sent from my …", "Get Outlook for iOS"). These are removed wherever they
// are; the usenet "-- " block is handled as a delimiter instead.
func isSignature(s string) bool {
	t := strings.TrimLeft(s, " \t")
	if len(t) < 8 || runeCount(t) > 120 {
		return false
	}
	if strings.Contains(t, "](") {
		t = reMarkdownLink.ReplaceAllString(t, "$1")
	}
	t = strings.TrimLeft(t, "(<")
	if t == "" {
		return false
	}
	// "Someone from mobile", "Nik from mobile".
	if containsFold(t, " from mobile") {
		if f := strings.Fields(t); len(f) == 3 {
			return true
		}
	}
	c := t[0]
	if 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
	for _, r := range sigIndex[c] {
		if hasPrefixFold(t, r.prefix) && (r.ok == nil || r.ok(t)) {
			return true
		}
	}
	return false
}

// sigIndex groups sigRules by the first byte of their prefix.
var sigIndex = func() (idx [256][]sigRule) {
	for _, r := range sigRules {
		idx[r.prefix[0]] = append(idx[r.prefix[0]], r)
	}
	return idx
}()

// Attribution and forward markers ("On … wrote:", "Le … a écrit :",
// "-----Message d'origine-----"). The forms follow discourse's
// EmbeddedEmailMatcher, rewritten without look-arounds and with a digit
// required where a date is expected, so that prose such as "On Monday he
// said:" is not taken for an attribution.
const (
	attribStarts = `(?:(?:on|at|le|am|op|il|em|el|dnia|dňa|w\s+dniu|den|på|vào|dne|in\s+message|in\s+data)\s+|在\s*)`
	attribVerbs  = `(?:wrote|writes|says|said|sent|a\s+écrit|a\s+ecrit|nous\s+a\s+dit|geschrieben|schrieben\s+sie|het\s+volgende\s+geschreven|schreef[^:]*|schrieb[^:]*|ha\s+scritto|napisał(?:\(a\))?|napisała|pisze|escreveu|escribió|skrev|kirjoitti|đã\s+viết|写道|написал(?:\(а\))?|пише|napsal(?:\(a\))?)`
)

var (
	// On <date>, <someone> wrote:
	reOnDateWrote = regexp.MustCompile(`(?i)^[\s<>*-]*` + attribStarts + `.*?\d.*?[\s"'>)\]}]` + attribVerbs + `[\s.:：>*-]*$`)
	// Am <date> schrieb <someone>:  /  Den <date> skrev <someone>:
	reOnDateVerbSomeone = regexp.MustCompile(`(?i)^[\s>*-]*(?:op|am|den|på|\p{L}{1,4}\.|\d)\S*\s.*\d.*\s(?:schrieb|schreef|skrev)\s[^:]+:`)
	// <someone> schrieb am <date>:  /  <someone> wrote on <date>:
	reSomeoneWroteOnDate = regexp.MustCompile(`(?i)^.+\s(?:wrote|schrieb)\s+(?:on|am)\s.*\d.*:\s*$`)
	// <date> <someone> napisał(a): / пише: / написал: / kirjoitti:
	reDateSomeoneWrote = regexp.MustCompile(`(?i)\d{4}.{1,160}?(?:napisał(?:\(a\))?|napisała|пише|написал(?:\(а\))?|kirjoitti|napsal(?:\(a\))?)\s*:`)
	// <date> <someone> <address>:
	reDateSomeoneEmail = regexp.MustCompile(`\d{4}.{1,80}\s?<\s*[^@<>\s]+@[^@<>.\s]+\.[^@<>]+>:?\s*$`)
	// 2016-03-03 17:21 GMT+01:00 Some One
	reISODateSomeone = regexp.MustCompile(`^[\s>]*20\d\d-\d\d-\d\d \d\d:\d\d GMT\+\d\d:\d\d [\w\s]+$`)
	// codinghorror via Discourse Meta <x> wrote:
	reViaWrote = regexp.MustCompile(`(?i)^.+ via .+ (?:wrote|schrieb):?\s*$`)
	// Some One <x@y.z> wrote:
	reEmailWrote = regexp.MustCompile(`(?i)^.+\b[\w.+-]+@[\w.-]+\.\w{2,}\b.+wrote:?\s*$`)
	// Posted by x on 01/21/2016
	rePostedBy = regexp.MustCompile(`(?i)^[\s>]*posted by .+ on \d{2}/\d{2}/\d{4}\s*$`)
	// Begin forwarded message: / Début du message transféré :
	reForwardWords = regexp.MustCompile(`(?i)^[\s>*]*(?:begin forwarded message|début du message (?:transféré|réexpédié)|beginn der weitergeleiteten nachricht|inicio del mensaje reenviado|inizio messaggio inoltrato)\s*:`)
	// -----Original Message----- and its translations.
	reDashedMarker = regexp.MustCompile(`(?i)^[\s>*]*-{2,}\s*(?:original message|forwarded message|reply message|message d['’]origine|message original|mail original|mail d['’]origine|courriel original|courriel d['’]origine|message transféré|message réexpédié|ursprüngliche nachricht|weitergeleitete nachricht|original-nachricht|mensaje original|mensaje reenviado|oprindelig (?:meddelelse|besked)|videresendt (?:meddelelse|besked)|opprinnelig melding|videresendt melding|ursprungligt meddelande|vidarebefordrat meddelande|oorspronkelijk bericht|doorgestuurd bericht|messaggio originale|messaggio inoltrato|mensagem original|mensagem encaminhada|oryginalna wiadomość|wiadomość przekazana|исходное сообщение|пересылаемое сообщение|alkuperäinen viesti|välitetty viesti|původní zpráva|原始邮件|转发的邮件)`)
	// ---- John Smith wrote ----
	reDashedWrote = regexp.MustCompile(`(?i)^[\s>]*-{2,}\s*.+\s(?:wrote|a écrit|schrieb|escribió|ha scritto)\s*-{2,}\s*$`)
)

// forwardOpeners start the lines reForwardWords matches.
var forwardOpeners = []string{"begin forwarded", "début du message", "beginn der weitergeleiteten",
	"inicio del mensaje", "inizio messaggio"}

// attribEndings are the words an attribution line ends with, before
// trailing punctuation; onDateWrote and endsLikeAttribution look them up.
var attribEndings = []string{
	"wrote", "writes", "says", "said", "sent", "a écrit", "a ecrit", "nous a dit", "geschrieben", "geschreven",
	"schrieben sie", "ha scritto", "napisał", "napisał(a)", "napisała", "escreveu", "escribió",
	"skrev", "kirjoitti", "pisze", "đã viết", "写道", "написал", "написал(а)", "пише", "napsal", "napsal(a)",
}

// startWords open an "On <date> … wrote:" attribution in some language.
var startWords = map[string]bool{
	"on": true, "at": true, "le": true, "am": true, "op": true, "il": true, "em": true, "el": true,
	"dnia": true, "dňa": true, "w": true, "den": true, "på": true, "vào": true, "dne": true, "in": true,
}

// maxMarkerLen bounds the lines isEmbedded examines. Attributions and
// forward markers are a line or two (joinEnd builds wrapped ones up to 600
// bytes); a longer line is text, and the regexps, linear but slow on
// lines of a megabyte, never see it.
const maxMarkerLen = 2000

// isEmbedded reports an attribution line or a forward/original-message
// marker: the start of someone else's message.
func isEmbedded(s string) bool {
	if len(s) > maxMarkerLen {
		return false
	}
	t := trimLeftASCII(s, " \t>*<-")
	if t == "" {
		return false
	}
	lead := trimLeftASCII(s, " \t>*")
	if strings.HasPrefix(lead, "--") && hasLetterAfterDashes(lead) {
		if reDashedMarker.MatchString(s) || reDashedWrote.MatchString(s) {
			return true
		}
	}
	for _, p := range forwardOpeners {
		if hasPrefixFold(t, p) && reForwardWords.MatchString(s) {
			return true
		}
	}
	if hasPrefixFold(t, "posted by ") && rePostedBy.MatchString(s) {
		return true
	}
	if containsDigit(s) && isDatedAttribution(s, t) {
		return true
	}
	if strings.Contains(s, " via ") && endsWithWrote(s) && reViaWrote.MatchString(s) {
		return true
	}
	if strings.IndexByte(s, '@') >= 0 && hasSuffixFold(trimRightASCII(s, " \t:"), "wrote") &&
		reEmailWrote.MatchString(s) {
		return true
	}
	return false
}

// isDatedAttribution runs the attribution forms that contain a date. t is s
// without its leading quote marks and dashes.
func isDatedAttribution(s, t string) bool {
	var buf [24]byte
	if (startWords[lowerWord(t, &buf)] || strings.HasPrefix(t, "在")) && onDateWrote(s) {
		return true
	}
	if strings.HasPrefix(t, "20") && reISODateSomeone.MatchString(s) {
		return true
	}
	// The other forms end with ":" or with "<address>": most lines do not,
	// and skip the substring searches below.
	r := trimRightASCII(s, " \t")
	if r == "" || (r[len(r)-1] != ':' && r[len(r)-1] != '>' && !strings.HasSuffix(r, "：")) {
		return false
	}
	if (strings.Contains(s, "schrieb") || strings.Contains(s, "schreef") || strings.Contains(s, "skrev")) &&
		(reOnDateVerbSomeone.MatchString(s) || reSomeoneWroteOnDate.MatchString(s)) {
		return true
	}
	if strings.Contains(s, " wrote on ") && reSomeoneWroteOnDate.MatchString(s) {
		return true
	}
	return dateSomeoneWrote(s) || dateSomeoneEmail(s)
}

// onDateWrote checks the "On <date>, <someone> wrote:" form once the start
// word is known: the line ends with an attribution verb (trailing
// punctuation aside) preceded by a separator, with a digit (the date)
// before it. Names written after a Dutch or German verb ("schreef X het
// volgende:") go through reOnDateWrote. It is the hand-written equivalent
// of reOnDateWrote's common case, which profiling showed to dominate Trim.
func onDateWrote(s string) bool {
	r := trimAttribEnd(s)
	if r == "" {
		return false
	}
	for _, e := range attribEndIndex[asciiLowerByte(r[len(r)-1])] {
		if !hasSuffixFold(r, e) {
			continue
		}
		head := r[:len(r)-len(e)]
		if head == "" || !containsDigit(head) {
			continue
		}
		if e == "写道" || strings.ContainsRune(" \t\"'>)]}", rune(head[len(head)-1])) {
			return true
		}
	}
	if strings.HasSuffix(trimRightASCII(s, " \t"), ":") &&
		(strings.Contains(s, "schreef") || strings.Contains(s, "schrieb")) {
		return reOnDateWrote.MatchString(s)
	}
	return false
}

// wroteVerbs end the "<date> <someone> napisał(a):" form.
var wroteVerbs = []string{"napisał", "napisała", "пише", "написал", "kirjoitti", "napsal"}

// dateSomeoneWrote is reDateSomeoneWrote behind byte checks: one of
// wroteVerbs followed by ":" (after an optional "(a)"), with four digits
// before it.
func dateSomeoneWrote(s string) bool {
	for _, v := range wroteVerbs {
		i := strings.Index(s, v)
		if i < 0 {
			continue
		}
		rest := trimLeftASCII(s[i+len(v):], " \t")
		rest = strings.TrimPrefix(strings.TrimPrefix(rest, "(a)"), "(а)")
		if strings.HasPrefix(trimLeftASCII(rest, " \t"), ":") && hasFourDigits(s[:i]) {
			return reDateSomeoneWrote.MatchString(s)
		}
	}
	return false
}

// endsWithWrote reports a line ending with "wrote" or "schrieb" (a colon
// aside).
func endsWithWrote(s string) bool {
	r := trimRightASCII(s, " \t:")
	return hasSuffixFold(r, "wrote") || hasSuffixFold(r, "schrieb")
}

// hasLetterAfterDashes reports a letter after the leading dashes and
// spaces of a "----- Original Message -----" style line.
func hasLetterAfterDashes(s string) bool {
	r := trimLeftASCII(s, "-* \t")
	return r != "" && (isASCIILetter(r[0]) || r[0] >= 0x80)
}

// dateSomeoneEmail is reDateSomeoneEmail with byte checks first: the line
// must end with "<address>" (or "<address>:") preceded, within 81
// characters, by four digits.
func dateSomeoneEmail(s string) bool {
	r := strings.TrimRight(s, " \t")
	r = strings.TrimSuffix(r, ":")
	if !strings.HasSuffix(r, ">") {
		return false
	}
	lt := strings.LastIndexByte(r, '<')
	if lt < 0 || !strings.Contains(r[lt:], "@") {
		return false
	}
	start := lt - 330 // 81 runes of at most 4 bytes, and the digits
	if start < 0 {
		start = 0
	}
	return hasFourDigits(s[start:lt]) && reDateSomeoneEmail.MatchString(s[start:])
}

// hasFourDigits reports a run of four ASCII digits.
func hasFourDigits(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
			if n == 4 {
				return true
			}
		} else {
			n = 0
		}
	}
	return false
}

// endsLikeAttribution reports whether s ends with an attribution verb,
// ignoring trailing punctuation.
func endsLikeAttribution(s string) bool {
	r := trimAttribEnd(s)
	if r == "" {
		return false
	}
	c := r[len(r)-1]
	if 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
	for _, e := range attribEndIndex[c] {
		if hasSuffixFold(r, e) {
			return true
		}
	}
	// Dutch and German put the name after the verb: "schreef X het volgende:".
	return strings.HasSuffix(trimRightASCII(s, " \t"), ":") &&
		(strings.Contains(s, "schreef") || strings.Contains(s, "schrieb"))
}

// attribEndIndex groups attribEndings by their last byte.
var attribEndIndex = func() (idx [256][]string) {
	for _, e := range attribEndings {
		idx[e[len(e)-1]] = append(idx[e[len(e)-1]], e)
	}
	return idx
}()

// isForwardMarker reports an embedded line that introduces a forwarded
// message (rather than a quoted one).
func isForwardMarker(s string) bool {
	for _, w := range []string{"forward", "transféré", "réexpédié", "weitergeleitet", "reenviado",
		"videresendt", "vidarebefordrat", "doorgestuurd", "inoltrat", "encaminhada", "przekazana",
		"пересылаемое", "välitetty", "转发"} {
		if containsFold(s, w) {
			return true
		}
	}
	return false
}

// Header kinds for Outlook-style header blocks written without ">".
const (
	hdrText uint8 = 1 << iota // To, Subject…: any word after the colon
	hdrDate                   // Sent, Date…: needs a digit after the colon
	hdrFrom                   // From, De, Von…: also a text header
)

// headerKeys maps lower-case header names, in the languages seen in the
// corpora and in codev's audience, to their kind.
var headerKeys = func() map[string]uint8 {
	m := map[string]uint8{}
	add := func(kind uint8, names ...string) {
		for _, n := range names {
			m[n] = kind
		}
	}
	add(hdrText|hdrFrom, "from", "de", "von", "van", "da", "fra", "från", "od", "от", "发件人", "寄件者",
		"expéditeur", "lähettäjä", "kimden", "feladó", "afzender")
	add(hdrDate, "sent", "date", "le", "envoyé", "envoyé le", "envoye", "gesendet", "datum", "enviada em",
		"enviado", "enviado el", "fecha", "data", "skickat", "sendt", "dato", "verzonden", "wysłano",
		"отправлено", "дата", "发送时间", "日期", "lähetetty", "tarih", "message du", "inviato")
	add(hdrText, "to", "cc", "bcc", "reply-to", "subject", "à", "a", "destinataire", "répondre à", "objet",
		"sujet", "cci", "copie à", "an", "betreff", "kopie", "para", "assunto", "asunto", "risposta",
		"oggetto", "aan", "onderwerp", "beantwoorden - aan", "till", "ämne", "kopia", "til", "emne",
		"do", "temat", "dw", "кому", "тема", "копия", "收件人", "主题", "抄送", "vastaanottaja", "aihe",
		"kime", "konu", "címzett", "tárgy", "rispondi a", "cc/cci", "ccn")
	return m
}()

// headerKind returns the kind of an Outlook header line ("De : X",
// "*Sent:* Monday…"), or 0.
func headerKind(s string) uint8 {
	t := trimLeftASCII(s, " \t*")
	if len(t) < 3 {
		return 0
	}
	head := t
	if len(head) > 48 {
		head = head[:48]
	}
	i := strings.IndexByte(head, ':')
	colon := 1
	if j := strings.Index(head, "："); j >= 0 && (i < 0 || j < i) {
		i, colon = j, len("：")
	}
	if i <= 0 {
		return 0
	}
	key := trimRightASCII(t[:i], " \t*")
	kind, ok := headerKeys[key]
	if !ok {
		kind = headerKeys[strings.ToLower(key)]
	}
	if kind == 0 {
		return 0
	}
	val := trimLeftASCII(t[i+colon:], " \t*")
	if kind&hdrDate != 0 {
		if containsDigit(val) {
			return kind
		}
		return 0
	}
	if containsWordChar(val) {
		return kind
	}
	return 0
}

// isCodeFence reports a Markdown code fence opening or closing line.
func isCodeFence(s string) bool {
	return strings.HasPrefix(strings.TrimLeft(s, " "), "```")
}

// signOffs open a closing line the sender writes after the reply; Trim
// keeps them (INTEROP.md §3.6.7) and uses them to tell a signature written
// below a quote from the quoted message's own text.
var signOffs = []string{
	"regards", "best", "kind regards", "warm regards", "cheers", "thanks", "thank you", "many thanks",
	"sincerely", "yours", "cordialement", "bien cordialement", "très cordialement", "bien à vous",
	"bien a vous", "amicalement", "amitiés", "bonne journée", "bonne soirée", "belle journée", "merci",
	"salutations", "sincères salutations", "bises", "à bientôt", "a bientot", "à très vite",
	"mit freundlichen grüßen", "viele grüße", "liebe grüße", "grüße", "gruß", "saludos", "atentamente",
	"un saludo", "cordiali saluti", "saluti", "met vriendelijke groet", "groeten", "med vänlig hälsning",
	"hälsningar", "mvh", "pozdrawiam", "с уважением", "atenciosamente", "abraços", "obrigado",
}

// isSignOff reports a line that starts with a sign-off word.
func isSignOff(s string) bool {
	t := strings.TrimLeft(normLine(s), " \t-–—")
	for _, w := range signOffs {
		if hasPrefixFold(t, w) {
			rest := t[len(w):]
			if rest == "" || !isASCIILetter(rest[0]) {
				return true
			}
		}
	}
	return false
}

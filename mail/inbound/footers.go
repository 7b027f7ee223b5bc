package inbound

import (
	"strings"
)

// Legal footers: the confidentiality notices companies and mail servers
// append to every message (« Ce message et ses pièces jointes sont
// confidentiels… », "This email and any attachments are confidential…"),
// and the "think before printing" lines. They are not the sender's answer.
//
// A paragraph is one when it opens like one and speaks of confidentiality,
// or when it holds three of the notions such notices are made of
// (confidential, attachments, addressee, error, deletion, prohibition,
// liability): a participant writing that a subject is confidential uses
// one or two of them, never the whole formula.

// legalOpeners start a confidentiality notice (lower case, apostrophes
// straight).
var legalOpeners = []string{
	"ce message et ses pièces jointes", "ce message et toutes ses pièces jointes", "ce message et les pièces jointes",
	"ce message ainsi que ses pièces jointes", "ce message ainsi que toutes ses pièces jointes",
	"ce courriel et ses pièces jointes", "ce courriel et les pièces jointes", "ce courriel et toutes ses pièces jointes",
	"ce mail et ses pièces jointes", "ce e-mail et ses pièces jointes", "cet e-mail et ses pièces jointes",
	"cet email et ses pièces jointes", "ce message électronique et ses pièces jointes",
	"les informations contenues dans ce message", "les informations contenues dans ce courriel",
	"ce message est confidentiel", "ce courriel est confidentiel", "ce message contient des informations confidentielles",
	"avertissement :", "avertissement de confidentialité", "avis de confidentialité", "confidentialité :",
	"mention de confidentialité", "clause de confidentialité", "disclaimer", "confidentiality notice",
	"this message and any attachments", "this email and any attachments", "this e-mail and any attachments",
	"this email and any files", "this e-mail and any files", "this message and its attachments",
	"the information contained in this", "this message is confidential", "this email is confidential",
	"this e-mail is confidential", "this message contains confidential information",
}

// legalNotions are the notions of a confidentiality notice; each row is
// one notion in its French and English words.
var legalNotions = [][]string{
	{"confidenti"},
	{"pièces jointes", "pièce jointe", "fichiers joints", "attachment", "files transmitted"},
	{"destinataire", "intended", "addressee", "recipient"},
	{"par erreur", "in error", "by mistake", "par méprise"},
	{"détruire", "supprimer", "effacer", "destroy", "delete"},
	{"interdit", "prohib", "strictement", "non autorisé", "unauthori"},
	{"responsabilité", "liab", "responsible"},
}

// printingLines are the environment footers.
var printingLines = []string{
	"pensez à l'environnement", "merci de penser à l'environnement", "avant d'imprimer", "n'imprimez ce",
	"n'imprimez pas ce", "n'imprimer ce", "please consider the environment", "think before you print",
	"before printing this", "respectez l'environnement",
}

// isLegalFooter reports whether a paragraph's text is a confidentiality
// notice or a printing footer.
func isLegalFooter(s string) bool {
	if len(s) > 4000 {
		return false // notices are a paragraph or two
	}
	t := strings.TrimSpace(strings.ToLower(normLine(s)))
	if t == "" {
		return false
	}
	t = strings.ReplaceAll(t, "’", "'")
	t = strings.TrimLeft(t, "*_-–—>[( ")
	for _, p := range printingLines {
		if strings.Contains(t, p) && runeCount(t) < 300 {
			return true
		}
	}
	confidential := strings.Contains(t, "confidenti")
	for _, o := range legalOpeners {
		if strings.HasPrefix(t, o) && (confidential || strings.HasPrefix(o, "disclaimer")) {
			return true
		}
	}
	n := 0
	for _, words := range legalNotions {
		for _, w := range words {
			if strings.Contains(t, w) {
				n++
				break
			}
		}
	}
	return n >= 3 && runeCount(t) >= 100
}

// cutLegal removes the legal footer paragraphs of an answer.
func cutLegal(s string) string {
	if !containsFold(s, "confidenti") && !containsFold(s, "environ") &&
		!containsFold(s, "imprim") && !containsFold(s, "print") && !containsFold(s, "disclaimer") {
		return s
	}
	paras := strings.Split(s, "\n\n")
	out := paras[:0]
	for _, p := range paras {
		if !isLegalFooter(strings.ReplaceAll(p, "\n", " ")) {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

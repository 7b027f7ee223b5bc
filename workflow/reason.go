package workflow

import (
	"strconv"
	"strings"

	"github.com/codev-org/codev/templates"
)

// ReasonCode says why an inbound message ended as it did (processed, held,
// ignored), and so why the animator is told about a held one. The set is
// fixed: a reason names what codev decided and, through Reason.Args, ids
// and numbers codev knows (members, session numbers, sizes), never bytes
// of the message — no address, header value, status or parser error read
// from it (DOMAIN.md §3 rule 9). The words are in templates, in French
// and English (ReasonText).
type ReasonCode string

// The reason codes. The comment after each says what its Args are.
const (
	ReasonAnswersRecorded ReasonCode = "answers_recorded"
	ReasonAutoReply       ReasonCode = "auto_reply"
	ReasonNotUnderstood   ReasonCode = "not_understood"
	ReasonParserFailed    ReasonCode = "parser_failed"
	ReasonNoParser        ReasonCode = "no_parser"
	ReasonTokenTampered   ReasonCode = "token_tampered"
	ReasonNoToken         ReasonCode = "no_token"
	ReasonSenderNotMember ReasonCode = "sender_not_member" // member the request went to
	ReasonDKIMFailed      ReasonCode = "dkim_failed"
	ReasonDMARCFailed     ReasonCode = "dmarc_failed"
	ReasonEmptyReply      ReasonCode = "empty_reply"
	ReasonOversize        ReasonCode = "oversize" // size in bytes

	ReasonAppliedByAnimator ReasonCode = "applied_by_animator" // member it was applied to
	ReasonIgnoredByAnimator ReasonCode = "ignored_by_animator"

	ReasonBounceTransient ReasonCode = "bounce_transient"
	ReasonBounceNoToken   ReasonCode = "bounce_no_token"
	ReasonBounceRecorded  ReasonCode = "bounce_recorded" // member flagged

	ReasonRSVPIncomplete        ReasonCode = "rsvp_incomplete"
	ReasonRSVPUnknownEvent      ReasonCode = "rsvp_unknown_event"
	ReasonRSVPNotMember         ReasonCode = "rsvp_not_member"
	ReasonRSVPSenderNotAttendee ReasonCode = "rsvp_sender_not_attendee" // member the RSVP names
	ReasonRSVPBadStatus         ReasonCode = "rsvp_bad_status"
	ReasonRSVPOldSequence       ReasonCode = "rsvp_old_sequence"
	ReasonRSVPSuperseded        ReasonCode = "rsvp_superseded"
	ReasonRSVPAccepted          ReasonCode = "rsvp_accepted"
	ReasonRSVPDeclined          ReasonCode = "rsvp_declined"
	ReasonRSVPTentative         ReasonCode = "rsvp_tentative"
	ReasonDeclineInWords        ReasonCode = "decline_in_words"

	ReasonSwapConfirmed   ReasonCode = "swap_confirmed" // the two session numbers
	ReasonSwapStale       ReasonCode = "swap_stale"
	ReasonSwapNoCandidate ReasonCode = "swap_no_candidate"

	ReasonChoiceNotAnimator ReasonCode = "choice_not_animator"
	ReasonChoiceCancelled   ReasonCode = "choice_cancelled"
	ReasonChoiceStarted     ReasonCode = "choice_started"     // session number
	ReasonChoiceEmpty       ReasonCode = "choice_empty"       // session number
	ReasonChoiceMemberLeft  ReasonCode = "choice_member_left" // session number, proposal number
	ReasonChoiceNoProposal  ReasonCode = "choice_no_proposal" // session number, proposal number, proposals
	ReasonChoiceAmbiguous   ReasonCode = "choice_ambiguous"   // session number
	ReasonChoiceNoMatch     ReasonCode = "choice_no_match"    // session number
	ReasonChoiceSameClient  ReasonCode = "choice_same_client" // member, session number
	ReasonChoiceHasClient   ReasonCode = "choice_has_client"  // session number, member
	ReasonChoiceHadTurn     ReasonCode = "choice_had_turn"    // member, session number of their turn
	ReasonClientChosen      ReasonCode = "client_chosen"      // session number, member
)

// Reason is a ReasonCode and the numbers it names.
type Reason struct {
	Code ReasonCode
	Args []int64
}

func reason(code ReasonCode, args ...int64) Reason { return Reason{Code: code, Args: args} }

// String is the form stored in Inbound.Reason and written to logs: the code,
// then its numbers, separated by spaces ("sender_not_member 12").
func (r Reason) String() string {
	var b strings.Builder
	b.WriteString(string(r.Code))
	for _, a := range r.Args {
		b.WriteByte(' ')
		b.WriteString(strconv.FormatInt(a, 10))
	}
	return b.String()
}

// ParseReason reads a stored reason. ok is false for text that is not a
// known code followed by numbers, such as reasons stored before codes
// existed.
func ParseReason(s string) (r Reason, ok bool) {
	f := strings.Fields(s)
	if len(f) == 0 || !templates.HasReason(f[0]) {
		return Reason{}, false
	}
	r.Code = ReasonCode(f[0])
	for _, a := range f[1:] {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return Reason{}, false
		}
		r.Args = append(r.Args, n)
	}
	return r, true
}

// ReasonText renders a stored reason for people, in lang ("fr" or "en"):
// the animator's pages show it (notices word it in their template). It
// never shows member numbers; text that is not a reason code (stored by
// an older version) is worded too, never left in English in French.
func ReasonText(stored, lang string) string {
	return templates.ReasonText(lang, stored)
}

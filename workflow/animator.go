package workflow

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/codev-org/codev/templates"
)

// KindSignIn is the email carrying an animator's one-time sign-in link. It is
// sent directly, never recorded in the outbox: the link must not be stored.
const KindSignIn Kind = "sign_in"

// SignInValidity is how long a sign-in link works.
const SignInValidity = 15 * time.Minute

// signInTokenLen is the length of a sign-in token: 32 random bytes in
// lowercase base32.
var signInTokenLen = tokenEncoding.EncodedLen(32)

// Key derives a key for one purpose from the store's secret, so that the
// web package's cookies and CSRF tokens never share a key with reply tokens
// or with each other.
func (s *Signer) Key(purpose string) []byte {
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte("codev key derivation\x00" + purpose))
	return mac.Sum(nil)
}

// IsAdmin reports whether email is one of CODEV_ADMINS.
func (s *Service) IsAdmin(email string) bool {
	return email != "" && slices.Contains(s.cfg.Admins, normalEmail(email))
}

func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// RequestSignIn sends a one-time sign-in link to email when it is the
// active animator of a group or an admin, and does nothing otherwise: the
// caller answers the same either way, so that the page does not tell who
// is known. baseURL is the public URL the link starts with; lang the
// language of an admin who animates no group. It returns an EINVALID error
// for a malformed address and the mailer's error when sending failed.
func (s *Service) RequestSignIn(ctx context.Context, email, baseURL, lang string) error {
	email = normalEmail(email)
	if len(email) > 254 || strings.ContainsAny(email, " \t\r\n<>,;") {
		return Errorf(EINVALID, "not an email address")
	}
	if _, err := ParseAddress(email); err != nil {
		return Errorf(EINVALID, "not an email address")
	}
	token := strings.ToLower(tokenEncoding.EncodeToString(randomBytes(32)))
	now := s.clock.Now()
	var animator *Member
	var group *Group
	known := false
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		if animator, group, err = animatorOf(ctx, tx, email); err != nil {
			return err
		}
		known = animator != nil || s.IsAdmin(email)
		if !known {
			return nil
		}
		return tx.CreateLogin(ctx, &Login{TokenHash: HashToken(token), Email: email, CreatedAt: now, ExpiresAt: now.Add(SignInValidity)})
	})
	if err != nil || !known {
		if err == nil {
			s.log.InfoContext(ctx, "sign-in: Link refused for an unknown address")
		}
		return err
	}
	e, err := s.signInEmail(email, token, baseURL, lang, animator, group, now)
	if err != nil {
		return err
	}
	if err := s.mailer.Send(ctx, e); err != nil {
		s.metrics.MessageFailed(KindSignIn, errors.Is(err, ErrPermanent))
		return fmt.Errorf("error sending a sign-in link: %w", err)
	}
	s.metrics.MessageSent(KindSignIn)
	attrs := []any{}
	if animator != nil {
		attrs = append(attrs, slog.Int64("member_id", animator.ID))
	}
	s.log.InfoContext(ctx, "sign-in: Sent link", attrs...)
	return nil
}

// animatorOf returns one active animator membership of email and its
// group, or nils.
func animatorOf(ctx context.Context, tx Tx, email string) (*Member, *Group, error) {
	ms, err := tx.MembersByEmail(ctx, email)
	if err != nil {
		return nil, nil, fmt.Errorf("error looking up an address: %w", err)
	}
	for _, m := range ms {
		if m.Role == RoleAnimator && m.Active {
			g, err := tx.Group(ctx, m.GroupID)
			return m, g, err
		}
	}
	return nil, nil, nil
}

func (s *Service) signInEmail(email, token, baseURL, lang string, animator *Member, group *Group, now time.Time) (*Email, error) {
	d := templates.Data{Lang: lang, Links: templates.Links{SignIn: baseURL + "/login/" + token, Preferences: baseURL + "/"}}
	if d.Lang != LangEN {
		d.Lang = LangFR
	}
	if animator != nil {
		d.Lang, d.Group.Name = group.Language, group.Name
		d.Recipient = templates.Person{Name: animator.Name, Email: animator.Email}
		d.Links.Preferences = baseURL + "/p/" + s.signer.Sign(TokenPreferences, animator.ID)
	}
	r, err := s.templates.Render(templates.SignIn, d)
	if err != nil {
		return nil, fmt.Errorf("error rendering the sign-in email: %w", err)
	}
	mb := s.cfg.Mailbox
	return &Email{
		Kind: KindSignIn, To: Person{Name: d.Recipient.Name, Email: email},
		From: Person{Name: "Codev", Email: mb.String()}, ReplyTo: mb.String(), EnvelopeFrom: mb.String(),
		MessageID: "signin." + strings.ToLower(rand.Text()) + "@" + mb.Domain, Date: now,
		Subject: r.Subject, Text: r.Text, HTML: r.HTML, Lang: d.Lang,
	}, nil
}

// HashToken is how a sign-in token is stored: SHA-256, hex.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return b
}

// ConsumeSignIn uses a sign-in link and returns the address it was sent to.
// A link works once, for SignInValidity; an unknown, used or expired one
// returns an error wrapping ErrNotFound, without saying which.
func (s *Service) ConsumeSignIn(ctx context.Context, token string) (string, error) {
	token = strings.ToLower(token)
	if len(token) != signInTokenLen {
		return "", fmt.Errorf("malformed sign-in token: %w", ErrNotFound)
	}
	var email string
	err := s.store.InTx(ctx, func(tx Tx) error {
		l, err := tx.ConsumeLogin(ctx, HashToken(token), s.clock.Now())
		if err != nil {
			return err
		}
		email = l.Email
		return nil
	})
	return email, err
}

// ManagedGroups returns the groups email may manage, ordered by name: every
// group for an admin, else the groups it is the active animator of.
func (s *Service) ManagedGroups(ctx context.Context, email string) ([]*Group, error) {
	email = normalEmail(email)
	var out []*Group
	err := s.store.InTx(ctx, func(tx Tx) error {
		out = out[:0]
		if s.IsAdmin(email) {
			var err error
			out, err = tx.Groups(ctx)
			return err
		}
		ms, err := tx.MembersByEmail(ctx, email)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Role != RoleAnimator || !m.Active {
				continue
			}
			g, err := tx.Group(ctx, m.GroupID)
			if err != nil {
				return err
			}
			out = append(out, g)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b *Group) int { return strings.Compare(a.Name, b.Name) })
	return out, err
}

// GroupState loads one group's state. A missing group returns ErrNotFound.
func (s *Service) GroupState(ctx context.Context, groupID int64) (*State, error) {
	var st *State
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		st, err = LoadState(ctx, tx, groupID)
		return err
	})
	return st, err
}

// Manages reports whether email may see and steer the group: it is the
// group's active animator, or an admin.
func (s *Service) Manages(st *State, email string) bool {
	email = normalEmail(email)
	if s.IsAdmin(email) {
		return true
	}
	a := st.Animator()
	return a != nil && email != "" && a.Email == email
}

// Held lists the inbound messages held for review and matched to the group,
// oldest first, without their raw bytes. Group 0 lists the messages matched
// to no group (unknown sender, no token), for admins.
func (s *Service) Held(ctx context.Context, groupID int64) ([]*Inbound, error) {
	var out []*Inbound
	err := s.store.InTx(ctx, func(tx Tx) error {
		all, err := tx.InboundByStatus(ctx, InboundHeld)
		if err != nil {
			return err
		}
		out = out[:0]
		for _, in := range all {
			if in.GroupID == groupID {
				out = append(out, in)
			}
		}
		return nil
	})
	return out, err
}

// ApplyHeld applies a held message as a reply from member memberID, when the
// animator recognised the sender (a personal address, a forwarded answer):
// its answers are filed under the request its token names when that request
// went to the member, else under the latest request sent to the member. The
// raw bytes are then deleted. It returns ECONFLICT when the message is no
// longer held, EINVALID when the member is not in the message's group or
// the message has nothing to apply, ErrNotFound for unknown ids.
func (s *Service) ApplyHeld(ctx context.Context, inboundID, memberID int64) error {
	var kind string
	err := s.store.InTx(ctx, func(tx Tx) error {
		in, m, err := heldAndMember(ctx, tx, inboundID, memberID)
		if err != nil {
			return err
		}
		if len(in.Raw) == 0 || in.Kind == MailOversize {
			return Errorf(EINVALID, "the content of message %d was not kept (too large): ask the member to answer again", in.ID)
		}
		p := &processing{s: s, ctx: ctx, tx: tx, in: in, p: s.parse(in.Raw)}
		if strings.TrimSpace(p.p.Text) == "" && len(p.p.Answers) == 0 {
			return Errorf(EINVALID, "message %d has no text to apply", in.ID)
		}
		req, err := p.requestOf(m)
		if err != nil {
			return err
		}
		if req == nil {
			return Errorf(EINVALID, "nothing has been asked of member %d yet", m.ID)
		}
		if err := s.applyAnswers(ctx, tx, req, p.p, in.ID); err != nil {
			return err
		}
		in.GroupID, in.MemberID, in.RequestID, kind = m.GroupID, m.ID, req.ID, string(in.Kind)
		p.finish(InboundProcessed, fmt.Sprintf("applied by the animator to member %d", m.ID))
		if err := tx.UpdateInbound(ctx, in); err != nil {
			return err
		}
		return tx.EnqueueReconcile(ctx)
	})
	if err != nil {
		return err
	}
	s.metrics.InboundProcessed(kind, InboundProcessed)
	s.log.InfoContext(ctx, "inbound: Applied held message", slog.Int64("inbound_id", inboundID), slog.Int64("member_id", memberID))
	return nil
}

func heldAndMember(ctx context.Context, tx Tx, inboundID, memberID int64) (*Inbound, *Member, error) {
	in, err := tx.Inbound(ctx, inboundID)
	if err != nil {
		return nil, nil, err
	}
	if in.Status != InboundHeld {
		return nil, nil, Errorf(ECONFLICT, "message %d is no longer held (%s)", in.ID, in.Status)
	}
	m, err := tx.Member(ctx, memberID)
	if err != nil {
		return nil, nil, err
	}
	if !m.Active || (in.GroupID != 0 && in.GroupID != m.GroupID) {
		return nil, nil, Errorf(EINVALID, "member %d is not an active member of the message's group", m.ID)
	}
	return in, m, nil
}

// requestOf finds what a held message answers once the animator said it
// comes from m: the request its token names if it went to m, else the one
// it was matched to, else the latest request sent to m.
func (p *processing) requestOf(m *Member) (*Message, error) {
	req, _, err := p.request()
	if err != nil {
		return nil, err
	}
	if (req == nil || req.MemberID != m.ID) && p.in.RequestID != 0 {
		if req, err = p.tx.Message(p.ctx, p.in.RequestID); err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	if req == nil || req.MemberID != m.ID {
		msgs, err := p.tx.Messages(p.ctx, m.GroupID)
		if err != nil {
			return nil, err
		}
		req = nil
		for _, msg := range msgs {
			if msg.MemberID == m.ID && msg.Status == MessageSent && Asks(msg.Kind) {
				req = msg
			}
		}
		if req == nil {
			return nil, nil
		}
	}
	return p.original(req)
}

// IgnoreHeld closes a held message without applying it and deletes its raw
// bytes. It returns ECONFLICT when the message is no longer held.
func (s *Service) IgnoreHeld(ctx context.Context, inboundID int64) error {
	err := s.store.InTx(ctx, func(tx Tx) error {
		in, err := tx.Inbound(ctx, inboundID)
		if err != nil {
			return err
		}
		if in.Status != InboundHeld {
			return Errorf(ECONFLICT, "message %d is no longer held (%s)", in.ID, in.Status)
		}
		in.Status, in.Reason, in.Raw = InboundIgnored, "ignored by the animator", nil
		return tx.UpdateInbound(ctx, in)
	})
	if err == nil {
		s.log.InfoContext(ctx, "inbound: Ignored held message", slog.Int64("inbound_id", inboundID))
	}
	return err
}

// RotateFeedToken replaces the secret of the group's calendar feed (memberID
// 0) or of one member's, so that the old feed URL stops working at once,
// and returns the new feed URL. It returns EINVALID when the member is not
// in the group.
func (s *Service) RotateFeedToken(ctx context.Context, groupID, memberID int64) (string, error) {
	token := s.gen.Token()
	err := s.store.InTx(ctx, func(tx Tx) error {
		g, err := tx.Group(ctx, groupID)
		if err != nil {
			return err
		}
		if memberID == 0 {
			g.FeedToken = token
			return tx.UpdateGroup(ctx, g)
		}
		m, err := tx.Member(ctx, memberID)
		if err != nil {
			return err
		}
		if m.GroupID != g.ID {
			return Errorf(EINVALID, "member %d is not in group %d", memberID, groupID)
		}
		m.FeedToken = token
		return tx.UpdateMember(ctx, m)
	})
	if err != nil {
		return "", err
	}
	s.log.InfoContext(ctx, "feeds: Rotated feed token", slog.Int64("group_id", groupID), slog.Int64("member_id", memberID))
	return s.FeedURL(token), nil
}

// Asks reports whether a kind of message asks its recipient something they
// answer by replying: the welcome (the charter) and every questionnaire.
// Reminders are not asks: answers to them are filed under the ask.
func Asks(k Kind) bool {
	if _, ok := remindedKind[k]; ok {
		return false
	}
	return k == KindWelcome || len(templates.Questions(templates.Kind(k), LangFR)) > 0
}

// Request is where one ask stands, for the animator's pages.
type Request struct {
	Message  *Message
	Reminded bool // a reminder of it was sent
	Answered bool
	Answers  []templates.Answer // with the question texts, in order
}

// Requests lists the asks sent (or due) in a group with their reminders and
// answers, in the order they were recorded. The animator sees every answer
// of their group (DOMAIN.md §3 rule 1: 3P text goes to the animator).
func (s *Service) Requests(st *State) []Request {
	reminderOf := map[Kind]Kind{}
	for r, k := range remindedKind {
		reminderOf[k] = r
	}
	var out []Request
	for _, m := range st.Messages {
		if !Asks(m.Kind) {
			continue
		}
		r := Request{Message: m, Answered: !m.AnsweredAt.IsZero()}
		if rk, ok := reminderOf[m.Kind]; ok {
			rm := st.Message(MessageKey(rk, m.SessionID, m.MemberID, 0))
			r.Reminded = rm != nil && rm.Status == MessageSent
		}
		r.Answers = s.answersTo(st, m.Kind, m.SessionID, m.MemberID)
		r.Answered = r.Answered || len(r.Answers) > 0
		out = append(out, r)
	}
	return out
}

// FormatWhen writes a time as the group's emails do, in its language and
// time zone.
func FormatWhen(g *Group, t time.Time) string {
	return templates.FormatDateTime(g.Language, t, g.Location())
}

// KindLabel names a kind of email in words in lang, for the animator's pages.
func KindLabel(k Kind, lang string) string { return templates.KindLabel(templateKind(k), lang) }

// HeldCount is the number of inbound messages held for review, in every
// group, for monitoring.
func (s *Service) HeldCount(ctx context.Context) (int, error) {
	n := 0
	err := s.store.InTx(ctx, func(tx Tx) error {
		all, err := tx.InboundByStatus(ctx, InboundHeld)
		n = len(all)
		return err
	})
	return n, err
}

// Ping runs an empty transaction: the database answers.
func (s *Service) Ping(ctx context.Context) error {
	return s.store.InTx(ctx, func(Tx) error { return nil })
}

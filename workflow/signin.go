package workflow

// One-time sign-in links to the animators' pages: only a hash of the token
// is stored, and the email carrying it is sent directly, never recorded.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
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

package main

import (
	"bytes"
	"fmt"
	"net/mail"
	"os"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/holidays"
	"github.com/codev-org/codev/mail/imaptest"
	"github.com/codev-org/codev/workflow"
)

const timingGroup = `name: Managers Lyon
language: fr
timezone: Europe/Paris
country: FR
visio: https://meet.example.org/managers-lyon
animator: {name: Claire Martin, email: claire@example.org}
members:
  - {name: Alice Dupont, email: alice@example.org}
  - {name: Bob Martin, email: bob@example.org, timezone: America/Montreal}
  - {name: Chloé Bernard, email: chloe@example.org}
sessions:
  duration: 2h
  # Wednesday 4 August: D−21 is 14 July. Monday 6 September: D−2 and D−1
  # are a weekend.
  dates: ["2027-08-04 18:00", "2027-09-06 18:00"]
`

// TestTimingEndToEnd plays a cycle through the real wiring on SQLite, with
// the clock jumping from one due message to the next, and checks when each
// email went out: never on a weekend or a French public holiday, always
// between 08:00 and 20:00 where its recipient lives. Alice's questionnaire,
// due on 14 July, goes on the 13th; the D−2 and D−1 emails of a Monday
// session go on the Friday; Bob, in Montréal, is asked for his learnings
// right after the evening session, when it is afternoon there, while the
// others are asked the next morning.
func TestTimingEndToEnd(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	c := &cycle{t: t, e: e, imap: imaptest.NewServer(t), mail: map[int64]string{}}
	e.env["CODEV_IMAP_URL"] = c.imap.URL()
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	montreal, err := time.LoadLocation("America/Montreal")
	require.NoError(t, err)
	e.clock.Set(time.Date(2027, 7, 1, 10, 0, 0, 0, paris))
	e.run("migrate")
	require.NoError(t, os.WriteFile(e.file, []byte(timingGroup), 0o600))
	e.run("group", "apply", "-f", e.file)
	c.a = e.startApp(t)
	st := e.state(t, c.a)
	alice, bob, chloe := memberID(st, "alice@example.org"), memberID(st, "bob@example.org"), memberID(st, "chloe@example.org")
	claire := memberID(st, "claire@example.org")
	s1, s2 := st.SessionNumber(1), st.SessionNumber(2)

	c.step(e.clock.Now())
	require.Len(t, c.sent, 3+2*4, "applying the file sends the welcomes and the invitations")
	c.until("review", alice)

	local := func(m *workflow.Message, loc *time.Location) string {
		require.NotNil(t, m)
		return m.SentAt.In(loc).Format("Mon 2006-01-02 15:04")
	}
	prep := c.find("prepare", alice, s1.ID)
	require.Equal(t, "Tue 2027-07-13 18:00", local(prep, paris), "D−21 falls on 14 July: the working day before")
	require.Equal(t, "Fri 2027-09-03 18:00", local(c.find("digest", claire, s2.ID), paris), "D−2 is a Saturday")
	require.Equal(t, "Fri 2027-09-03 18:00", local(c.find("session_reminder", chloe, s2.ID), paris), "D−1 is a Sunday")
	require.Equal(t, "Mon 2027-08-30 18:00", local(c.find("followup", alice, s2.ID), paris), "D−7")
	require.Equal(t, "Wed 2027-09-01 18:00", local(c.find("followup_reminder", alice, s2.ID), paris), "D−5, Alice did not answer")
	require.Equal(t, "Wed 2027-08-04 15:00", local(c.find("learnings", bob, s1.ID), montreal), "21:00 in Paris is 15:00 in Montréal")
	require.Equal(t, "Thu 2027-08-05 08:00", local(c.find("learnings", chloe, s1.ID), paris), "not at 21:00: the next morning")
	require.Equal(t, "Tue 2027-08-03 12:00", local(c.find("session_reminder", bob, s1.ID), montreal), "D−1 at 18:00 in Paris is noon in Montréal")

	// The wire says the same: the questionnaire's Date header.
	var dated bool
	for _, r := range e.smtp.Messages() {
		ent, err := message.Read(bytes.NewReader(r.Data))
		require.NoError(t, err)
		if ent.Header.Get("Message-Id") == "<"+prep.MessageID+">" {
			d, err := mail.ParseDate(ent.Header.Get("Date"))
			require.NoError(t, err)
			require.True(t, d.Equal(prep.SentAt.Truncate(time.Second)), "Date: %s", d)
			dated = true
		}
	}
	require.True(t, dated, "the questionnaire went over SMTP")

	cal := holidays.New()
	final := e.state(t, c.a)
	for _, m := range c.sent {
		if m.Kind == workflow.KindWelcome || m.Kind == workflow.KindInvitation {
			continue // sent when the file was applied, on Thursday 1 July at 10:00
		}
		to := final.Member(m.MemberID)
		at := m.SentAt.In(to.Location(final.Group))
		when := fmt.Sprintf("%s to %s at %s", m.Kind, to.Email, at.Format("Mon 2006-01-02 15:04 MST"))
		require.True(t, cal.IsWorkingDay("FR", at), "%s: not a working day", when)
		require.True(t, at.Hour() >= 8 && (at.Hour() < 20 || at.Hour() == 20 && at.Minute() == 0), "%s: outside 08:00–20:00", when)
	}
}

// TestFirstDayEndToEnd applies a group twelve days before its first
// session, on 31 December: Alice, the first client, gets the welcome and her
// invitations that day, and her questionnaire (D−21, overdue) only on the
// next working day, Monday 4 January, after New Year's Day and a weekend.
func TestFirstDayEndToEnd(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	c := &cycle{t: t, e: e, imap: imaptest.NewServer(t), mail: map[int64]string{}}
	e.env["CODEV_IMAP_URL"] = c.imap.URL()
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	e.clock.Set(time.Date(2026, 12, 31, 10, 0, 0, 0, paris))
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	c.a = e.startApp(t)
	alice := memberID(e.state(t, c.a), "alice@example.org")

	c.step(e.clock.Now())
	var dayOne []string
	for _, m := range c.sent {
		if m.MemberID == alice {
			dayOne = append(dayOne, string(m.Kind))
		}
	}
	require.Equal(t, []string{"welcome", "invitation", "invitation", "invitation", "invitation", "invitation", "invitation"}, dayOne)
	require.Len(t, c.sent, 6+42, "day one is the welcomes and the invitations")

	prep := c.until("prepare", alice)
	require.Equal(t, "Mon 2027-01-04 10:00", prep.SentAt.In(paris).Format("Mon 2006-01-02 15:04"),
		"the next working day, at the welcome's time")
	require.Len(t, c.sent, 6+42+1, "nothing else came before it")
}

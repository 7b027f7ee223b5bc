package main

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"time"
)

// smtpSessions is how many SMTP connections codev's sender uses at once
// (mail.SMTPConfig.PoolSize's default), and so smtp-source's number of
// parallel sessions.
const smtpSessions = 2

// send times codev sending the welcomes and invitations of b.groups groups
// (48 messages each, 42 with a calendar part) from its send jobs into a
// discarding SMTP server, on each store, and smtp-source sending as many
// messages of the same average size to the same server.
func (b *bench) send(ctx context.Context) error {
	sink, err := newSink(false)
	if err != nil {
		return err
	}
	defer sink.close()
	n := b.groups * 48
	var avg int64
	rates := map[string]float64{}
	for _, kind := range []string{"sqlite", "postgres"} {
		s, err := b.newStore(ctx, kind, "send")
		if err != nil {
			return err
		}
		b.sent[kind] = s
		if err := b.codev.applyGroups(ctx, s, b.groups, 6); err != nil {
			return err
		}
		sink.reset()
		srv, err := b.codev.serve(s.env(map[string]string{"CODEV_SMTP_URL": "smtp://" + sink.addr}))
		if err != nil {
			return err
		}
		err = srv.wait(20*time.Minute, 100*time.Millisecond, fmt.Sprintf("%d messages", n), func() (bool, error) {
			got, _, _, _ := sink.stats()
			return got >= n, nil
		})
		srv.stop()
		if err != nil {
			return err
		}
		got, size, first, last := sink.stats()
		avg = size / int64(got)
		rates[kind] = sink.rate()
		b.notes = append(b.notes, fmt.Sprintf("send %s: %d messages, %.0f bytes on average, in %s", kind, got, float64(avg), ms(last.Sub(first))))
	}

	// The reference: smtp-source, the same number of messages of the same
	// size, over as many parallel sessions as codev's SMTP pool holds, each
	// session reusing its connection as codev's pool does.
	tool, err := exec.LookPath("smtp-source")
	if err != nil {
		tool = "/usr/sbin/smtp-source"
	}
	sink.reset()
	cmd := exec.CommandContext(ctx, tool, "-d", "-s", strconv.Itoa(smtpSessions), "-l", strconv.FormatInt(avg, 10),
		"-m", strconv.Itoa(n), "-f", "codev@example.org", "-t", "bench@example.org", sink.addr)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("smtp-source (apt-get install postfix): %w\n%s", err, out)
	}
	ref := sink.rate()
	for _, kind := range []string{"postgres", "sqlite"} {
		b.add(row{figure: "sending, rendered emails with calendar parts (" + kind + ")",
			value: fmt.Sprintf("%.0f msgs/s", rates[kind]), reference: fmt.Sprintf("smtp-source %.0f msgs/s", ref),
			ratio: fmt.Sprintf("%.2f", rates[kind]/ref), target: "≥ 0.5", ok: rates[kind] >= 0.5*ref})
	}
	return nil
}
